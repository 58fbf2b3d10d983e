package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Blackouts, maintenance windows, conflict checks and first_available, over HTTP as a client sees them. */
@ExtendWith(SimulatorExtension.class)
class ChangeConflictsTest {
    private static final DateTimeFormatter SN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private Simulator sim;
    private SimHttp http;
    private Instant now;

    @BeforeEach
    void start(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
        this.now = sim.clock().instant().truncatedTo(ChronoUnit.MINUTES);
    }

    private String change(String ci, Instant start, Instant end) {
        String body = "{\"short_description\":\"Deploy\",\"start_date\":\"" + SN.format(start) + "\",\"end_date\":\"" + SN.format(end) + "\""
                + (ci == null ? "" : ",\"cmdb_ci\":\"" + ciId(ci) + "\"") + "}";
        SimHttp.Reply r = http.post("/api/sn_chg_rest/change/normal", body);
        assertEquals(200, r.status(), r.body());
        return r.result().get("sys_id").get("value").asText();
    }

    private String ciId(String name) {
        return sim.serviceNow().query("cmdb_ci", "name=" + name).get(0).get("sys_id");
    }

    private void blackout(String name, Instant start, Instant end, String... cis) {
        StringBuilder items = new StringBuilder();
        for (String ci : cis) {
            items.append(items.length() == 0 ? "" : ",").append('"').append(ci).append('"');
        }
        SimHttp.Reply r = http.post("/_sim/blackouts", "{\"name\":\"" + name + "\",\"start\":\"" + start + "\",\"end\":\"" + end
                + "\",\"configurationItems\":[" + items + "]}");
        assertEquals(201, r.status(), r.body());
    }

    /** Starts a check and reads it until complete; returns the completed status. */
    private JsonNode check(String id) {
        SimHttp.Reply started = http.post("/api/sn_chg_rest/change/" + id + "/conflict", "");
        assertEquals(200, started.status(), started.body());
        assertTrue(started.result().asText().matches("[0-9a-f]{32}"), started.body());
        JsonNode first = http.get("/api/sn_chg_rest/change/" + id + "/conflict").result();
        assertEquals("1", first.get("job_status").asText(), "a check runs for a moment: " + first);
        JsonNode done = http.get("/api/sn_chg_rest/change/" + id + "/conflict").result();
        assertEquals("2", done.get("job_status").asText(), done.toString());
        return done;
    }

    @Test
    void aWindowInsideABlackoutConflictsWithItAndNamesTheSchedule() {
        blackout("Year-end freeze", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(2)));
        String id = change("web-frontend", now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(3)));
        JsonNode done = check(id);
        assertEquals("Conflict", done.get("status").asText());
        assertEquals("1", done.get("record_count").asText());
        JsonNode c = done.get("conflicts").get(0);
        assertEquals("blackout", c.get("type").get("value").asText());
        assertEquals("Blackout", c.get("type").get("display_value").asText());
        assertEquals("Year-end freeze", c.get("schedule").get("display_value").asText());
        assertEquals("web-frontend", c.get("configuration_item").get("display_value").asText());
        assertEquals("Conflict", sim.serviceNow().record("change_request", id).get().get("conflict_status"));
        // the blackout's span is readable as on an instance, in the schedule's time zone
        String schedule = c.get("schedule").get("value").asText();
        JsonNode span = http.get("/api/now/table/cmn_schedule_span?sysparm_query=schedule=" + schedule).result().get(0);
        assertEquals(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(now.plus(Duration.ofDays(2))),
                span.get("end_date_time").asText());
    }

    @Test
    void aBlackoutForOtherItemsOrOtherTimesIsNoConflict() {
        blackout("Database freeze", now, now.plus(Duration.ofDays(1)), "orders-db");
        blackout("Last week's freeze", now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(7)));
        String id = change("web-frontend", now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(3)));
        JsonNode done = check(id);
        assertEquals("Conflict", done.get("status").asText(), "as documented: a finished check says Conflict; its list is empty");
        assertEquals(0, done.get("conflicts").size());
        assertEquals("No Conflict", sim.serviceNow().record("change_request", id).get().get("conflict_status"));
    }

    @Test
    void anotherChangeOnTheSameItemAtTheSameTimeConflicts() {
        String first = change("payments-api", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(3)));
        String second = change("payments-api", now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(4)));
        JsonNode c = check(second).get("conflicts").get(0);
        assertEquals("ci_already_scheduled", c.get("type").get("value").asText());
        assertEquals(first, c.get("conflicting_change").get("value").asText());
    }

    @Test
    void aMaintenanceWindowTheChangeMissesConflicts() {
        SimHttp.Reply r = http.post("/_sim/maintenance-windows", "{\"name\":\"DB maintenance\",\"start\":\"" + now.plus(Duration.ofDays(1))
                + "\",\"end\":\"" + now.plus(Duration.ofDays(1)).plus(Duration.ofHours(4)) + "\",\"configurationItems\":[\"orders-db\"]}");
        assertEquals(201, r.status(), r.body());
        JsonNode c = check(change("orders-db", now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(3)))).get("conflicts").get(0);
        assertEquals("not_in_maintenance_window", c.get("type").get("value").asText());
        assertEquals("Not In Maintenance Window", c.get("type").get("display_value").asText());
        assertEquals(0, check(change("orders-db", now.plus(Duration.ofDays(1)).plus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(1)).plus(Duration.ofHours(2)))).get("conflicts").size());
    }

    @Test
    void aCheckCanBeCanceledAndNeedsAPlannedWindow() {
        String id = change("web-frontend", now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(3)));
        assertEquals(200, http.post("/api/sn_chg_rest/change/" + id + "/conflict", "").status());
        assertEquals(200, http.delete("/api/sn_chg_rest/change/" + id + "/conflict").status());
        assertEquals("3", http.get("/api/sn_chg_rest/change/" + id + "/conflict").result().get("job_status").asText());
        assertEquals(400, http.delete("/api/sn_chg_rest/change/" + id + "/conflict").status());

        SimHttp.Reply noWindow = http.post("/api/sn_chg_rest/change/normal", "{\"short_description\":\"no window\"}");
        String undated = noWindow.result().get("sys_id").get("value").asText();
        SimHttp.Reply refused = http.post("/api/sn_chg_rest/change/" + undated + "/conflict", "");
        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("no planned start and end dates"), refused.body());
    }

    @Test
    void withoutTheConflictPluginItsRoutesAreUnknown() {
        String id = change("web-frontend", now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(3)));
        assertEquals(200, http.send("PUT", "/_sim/conflict-plugin", "missing", "text/plain").status());
        SimHttp.Reply r = http.post("/api/sn_chg_rest/change/" + id + "/conflict", "");
        assertEquals(400, r.status());
        assertTrue(r.body().contains("Requested URI does not represent any resource"), r.body());
        assertEquals(400, http.patch("/api/sn_chg_rest/change/" + id + "/schedule/first_available", "{}").status());
        assertEquals(200, http.send("PUT", "/_sim/conflict-plugin", "installed", "text/plain").status());
        assertEquals(200, http.post("/api/sn_chg_rest/change/" + id + "/conflict", "").status());
    }

    @Test
    void firstAvailableMovesTheWindowPastTheBlackoutKeepingItsLength() {
        Instant blackoutEnd = now.plus(Duration.ofHours(6));
        blackout("Release freeze", now.minus(Duration.ofHours(1)), blackoutEnd);
        String id = change("web-frontend", now.plus(Duration.ofHours(1)), now.plus(Duration.ofMinutes(90)));
        assertEquals(400, http.patch("/api/sn_chg_rest/change/" + id + "/schedule/first_available", "{}").status(),
                "duration_in_seconds is required");
        SimHttp.Reply r = http.patch("/api/sn_chg_rest/change/" + id + "/schedule/first_available", "{\"duration_in_seconds\":\"1800\"}");
        assertEquals(202, r.status(), r.body());
        assertEquals(1, r.result().get("state").get("value").asInt());
        JsonNode worker = http.get("/api/sn_chg_rest/change/worker/" + r.result().get("worker").get("sysId").asText()).result();
        assertEquals("Complete", worker.get("state").get("display_value").asText(), worker.toString());
        assertEquals("Change has been updated", worker.get("messages").get("infoMessages").get(0).asText());
        Map<String, String> moved = sim.serviceNow().record("change_request", id).orElseThrow();
        assertEquals(SN.format(blackoutEnd), moved.get("start_date"));
        assertEquals(SN.format(blackoutEnd.plus(Duration.ofMinutes(30))), moved.get("end_date"));
        assertEquals(0, check(id).get("conflicts").size());
        String noItem = change(null, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        SimHttp.Reply refused = http.patch("/api/sn_chg_rest/change/" + noItem + "/schedule/first_available", "{\"duration_in_seconds\":60}");
        assertEquals(400, refused.status());
        assertTrue(refused.body().contains("associated configuration item"), refused.body());
    }

    @Test
    void configurationItemsAssociatedWithAChangeAreCheckedToo() {
        blackout("Database freeze", now, now.plus(Duration.ofDays(1)), "orders-db");
        String id = change("web-frontend", now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(3)));
        assertEquals(400, http.post("/api/sn_chg_rest/change/" + id + "/ci", "{\"cmdb_ci_sys_ids\":\"" + ciId("orders-db") + "\"}").status(),
                "association_type is required");
        SimHttp.Reply r = http.post("/api/sn_chg_rest/change/" + id + "/ci", "{\"association_type\":\"affected\",\"cmdb_ci_sys_ids\":[\""
                + ciId("orders-db") + "\"]}");
        assertEquals(202, r.status(), r.body());
        http.get("/api/sn_chg_rest/change/worker/" + r.result().get("worker").get("sysId").asText());
        assertEquals(1, http.get("/api/sn_chg_rest/change/" + id + "/ci?association_type=affected").result().size());
        JsonNode c = check(id).get("conflicts").get(0);
        assertEquals("orders-db", c.get("configuration_item").get("display_value").asText());
        assertFalse(http.get("/_sim/blackouts").body().isEmpty());
        assertEquals(204, http.delete("/_sim/blackouts").status());
        assertEquals("[]", http.get("/_sim/blackouts").body());
    }
}
