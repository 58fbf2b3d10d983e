package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code javascript:gs.*()} values and the relative date operators, computed at the simulator's clock for the
 * signed-in user. Four incidents, the query running on Wednesday 2026-11-25 at 10:00 UTC as jenkins:
 * "old" (Friday 11-20 10:00, caller admin), "yesterday" (11-24 10:00, caller jenkins),
 * "early" (11-25 08:00, caller jenkins) and "now" (11-25 10:00, no caller).
 */
@ExtendWith(SimulatorExtension.class)
class EncodedQueryFunctionsTest {
    private Simulator sim;
    private SimHttp http;

    @BeforeEach
    void seed(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
        String jenkins = sim.serviceNow().query("sys_user", "user_name=jenkins").get(0).get("sys_id");
        String admin = sim.serviceNow().query("sys_user", "user_name=admin").get(0).get("sys_id");
        sim.serviceNow().insert("incident", Map.of("short_description", "old", "caller_id", admin));
        sim.clock().advance(Duration.ofDays(4));
        sim.serviceNow().insert("incident", Map.of("short_description", "yesterday", "caller_id", jenkins));
        sim.clock().advance(Duration.ofHours(22));
        sim.serviceNow().insert("incident", Map.of("short_description", "early", "caller_id", jenkins));
        sim.clock().advance(Duration.ofHours(2));
        sim.serviceNow().insert("incident", Map.of("short_description", "now"));
    }

    private List<String> names(String query) {
        SimHttp.Reply r = http.get("/api/now/table/incident?sysparm_fields=short_description&sysparm_query=" + query + "^ORDERBYsys_created_on");
        assertEquals(200, r.status(), r.body());
        List<String> out = new ArrayList<>();
        r.result().forEach(n -> out.add(n.get("short_description").asText()));
        return out;
    }

    @Test
    @SimulatorExtension.FixedClock("2026-11-20T10:00:00Z")
    void theSignedInUser() {
        assertEquals(List.of("yesterday", "early"), names("caller_id=javascript:gs.getUserID()"));
        assertEquals(List.of("old", "now"), names("caller_id!=javascript:gs.getUserID()"));
        assertEquals(List.of("yesterday", "early"), names("caller_id.user_name=javascript:gs.getUserName()"));
        assertEquals(List.of("yesterday", "early"), names("caller_id.name=javascript:gs.getUserDisplayName()"));
        assertEquals(List.of("old"), new SimHttp(sim).as("admin", "admin").get(
                "/api/now/table/incident?sysparm_query=caller_id=javascript:gs.getUserID()").result().findValuesAsText("short_description"));
    }

    @Test
    @SimulatorExtension.FixedClock("2026-11-20T10:00:00Z")
    void dayAndPeriodBoundaries() {
        assertEquals(List.of("early", "now"), names("sys_created_on>=javascript:gs.beginningOfToday()"));
        assertEquals(List.of("old", "yesterday"), names("sys_created_on<=javascript:gs.endOfYesterday()"));
        assertEquals(List.of("yesterday"), names("sys_created_onONYesterday@javascript:gs.beginningOfYesterday()@javascript:gs.endOfYesterday()"));
        assertEquals(List.of("old", "yesterday"), names("sys_created_onNOTONToday@javascript:gs.beginningOfToday()@javascript:gs.endOfToday()"));
        assertEquals(List.of("old"), names("sys_created_on<javascript:gs.beginningOfThisWeek()"));
        assertEquals(List.of("old", "yesterday", "early", "now"), names("sys_created_onBETWEENjavascript:gs.beginningOfThisMonth()@javascript:gs.endOfThisMonth()"));
        assertEquals(List.of(), names("sys_created_on>javascript:gs.endOfToday()"));
        assertEquals(List.of("yesterday"), names(
                "sys_created_onBETWEENjavascript:gs.dateGenerate('2026-11-24','start')@javascript:gs.dateGenerate('2026-11-24','end')"));
    }

    @Test
    @SimulatorExtension.FixedClock("2026-11-20T10:00:00Z")
    void agoHelpersAndNow() {
        assertEquals(List.of("old"), names("sys_created_onBETWEENjavascript:gs.daysAgoStart(5)@javascript:gs.daysAgoEnd(5)"));
        assertEquals(List.of("old"), names("sys_created_on<javascript:gs.daysAgo(3)"));
        assertEquals(List.of("early", "now"), names("sys_created_on>javascript:gs.hoursAgo(3)"));
        assertEquals(List.of("old", "yesterday", "early"), names("sys_created_on<javascript:gs.minutesAgo(90)"));
        assertEquals(List.of("early", "now"), names("sys_created_on>=javascript:gs.now()"));
        assertEquals(List.of("old", "yesterday", "early", "now"), names("sys_created_on<=javascript:gs.nowDateTime()"));
        assertEquals(List.of(), names("sys_created_on>javascript:gs.nowDateTime()"));
    }

    @Test
    @SimulatorExtension.FixedClock("2026-11-20T10:00:00Z")
    void relativeOperators() {
        assertEquals(List.of("early", "now"), names("sys_created_onRELATIVEGT@hour@ago@3"));
        assertEquals(List.of("old"), names("sys_created_onRELATIVELT@day@ago@2"));
        assertEquals(List.of("early", "now"), names("sys_created_onRELATIVEGE@minute@ago@120"));
        assertEquals(List.of("now"), names("sys_created_onRELATIVEGT@minute@ago@120"));
        assertEquals(List.of("old", "yesterday", "early"), names("sys_created_onRELATIVELE@minute@ago@120"));
        assertEquals(List.of("yesterday"), names("sys_created_onRELATIVEEE@day@ago@1"));
        assertEquals(List.of("old", "yesterday", "early", "now"), names("sys_created_onRELATIVELE@week@ahead@1"));
        assertEquals(List.of("old", "yesterday", "early", "now"), names("sys_created_onRELATIVEGT@month@ago@1"));
        assertEquals(List.of(), names("sys_created_onRELATIVELT@quarter@ago@1"));
        assertEquals(List.of(), names("sys_created_onRELATIVEGT@year@ahead@1"));
    }

    @Test
    @SimulatorExtension.FixedClock("2026-11-20T10:00:00Z")
    void unknownFunctionsAndUnitsAreDroppedAsInvalid() {
        assertEquals(List.of("old", "yesterday", "early", "now"), names("sys_created_onRELATIVEGT@fortnight@ago@1"));
        assertEquals(List.of("old", "yesterday", "early", "now"), names("caller_id=javascript:gs.noSuchFunction()"));
        assertEquals(List.of("yesterday", "early"), names("sys_created_on>javascript:new Date()^caller_id=javascript:gs.getUserID()"));
        sim.serviceNow().setInvalidQueryReturnsNoRows(true);
        assertEquals(List.of(), names("sys_created_onRELATIVEGT@hour@ago@abc"));
    }
}
