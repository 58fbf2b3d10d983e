package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@ExtendWith(SimulatorExtension.class)
class IncidentAndJournalTest {
    private Simulator sim;
    private SimHttp http;

    @BeforeEach
    void start(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
    }

    private String incident(String json) {
        SimHttp.Reply r = http.post("/api/now/table/incident", json);
        assertEquals(201, r.status(), r.body());
        return r.result().get("sys_id").asText();
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "1,2,2", "1,3,3", "2,1,2", "2,2,3", "2,3,4", "3,1,3", "3,2,4", "3,3,5"})
    void priorityIsDerivedFromImpactAndUrgency(String impact, String urgency, String priority) {
        String id = incident("{\"impact\":\"" + impact + "\",\"urgency\":\"" + urgency + "\",\"priority\":\"1\"}");
        assertEquals(priority, sim.serviceNow().record("incident", id).get().get("priority"));
    }

    @Test
    void resolvingWithoutCloseCodeAndNotesIsADataPolicyError() {
        String id = incident("{\"short_description\":\"x\"}");
        SimHttp.Reply r = http.patch("/api/now/table/incident/" + id, "{\"state\":\"6\"}");
        assertEquals(403, r.status());
        assertEquals("Operation Failed", r.errorMessage());
        assertTrue(r.errorDetail().startsWith("Data Policy Exception:"), r.errorDetail());
        assertTrue(r.errorDetail().endsWith("The following fields are mandatory: Resolution code, Close notes"), r.errorDetail());
        assertEquals("1", sim.serviceNow().record("incident", id).get().get("state"));
    }

    @Test
    void anInvalidCloseCodeIsDroppedAndThenTripsTheDataPolicy() {
        String id = incident("{}");
        SimHttp.Reply r = http.patch("/api/now/table/incident/" + id,
                "{\"state\":\"6\",\"close_code\":\"Fixed it\",\"close_notes\":\"done\"}");
        assertEquals(403, r.status());
        assertTrue(r.errorDetail().endsWith("mandatory: Resolution code"), r.errorDetail());
    }

    @Test
    void resolveThenCloseThenReopen() {
        String id = incident("{}");
        JsonNode resolved = http.patch("/api/now/table/incident/" + id,
                "{\"state\":\"6\",\"close_code\":\"Solution provided\",\"close_notes\":\"Build is green again\"}").result();
        assertEquals("6", resolved.get("state").asText());
        assertEquals("6", resolved.get("incident_state").asText());
        assertFalse(resolved.get("resolved_at").asText().isEmpty());
        assertEquals("true", resolved.get("active").asText());
        JsonNode closed = http.patch("/api/now/table/incident/" + id, "{\"state\":\"7\"}").result();
        assertEquals("false", closed.get("active").asText());
        assertFalse(closed.get("closed_at").asText().isEmpty());
        JsonNode reopened = http.patch("/api/now/table/incident/" + id, "{\"state\":\"2\"}").result();
        assertEquals("true", reopened.get("active").asText());
        assertEquals("1", reopened.get("reopen_count").asText());
    }

    @Test
    void unknownStateIsRefused() {
        String id = incident("{}");
        assertEquals(403, http.patch("/api/now/table/incident/" + id, "{\"state\":\"42\"}").status());
    }

    @Test
    void correlationIdIsStoredAndQueryable() {
        String key = "jenkins:folder/job:" + System.nanoTime();
        String id = incident("{\"correlation_id\":\"" + key + "\",\"correlation_display\":\"Jenkins\"}");
        JsonNode found = http.get("/api/now/table/incident?sysparm_query=correlation_id=" + key + "^active=true&sysparm_fields=sys_id").result();
        assertEquals(1, found.size());
        assertEquals(id, found.get(0).get("sys_id").asText());
    }

    @Test
    void workNotesAppendJournalEntriesAndNeverOverwrite() {
        String id = incident("{\"work_notes\":\"first\"}");
        http.patch("/api/now/table/incident/" + id, "{\"work_notes\":\"second\"}");
        http.patch("/api/now/table/incident/" + id, "{\"comments\":\"for the caller\"}");
        http.patch("/api/now/table/incident/" + id, "{\"work_notes\":\"\"}"); // blank adds nothing

        JsonNode plain = http.get("/api/now/table/incident/" + id).result();
        assertEquals("", plain.get("work_notes").asText());

        JsonNode entries = http.get("/api/now/table/sys_journal_field?sysparm_query=element_id=" + id
                + "^element=work_notes^ORDERBYDESCsys_created_on&sysparm_fields=element,value,sys_created_by").result();
        assertEquals(2, entries.size());
        assertEquals(List.of("second", "first"), sim.serviceNow().journal("incident", id, "work_notes"));
        assertEquals("work_notes", entries.get(0).get("element").asText());
        assertEquals("jenkins", entries.get(0).get("sys_created_by").asText());

        String display = http.get("/api/now/table/incident/" + id + "?sysparm_display_value=true").result().get("work_notes").asText();
        assertTrue(display.indexOf("second") < display.indexOf("first"), display);
        assertTrue(display.contains(" - Jenkins Integration (Work notes)\nsecond\n\n"), display);
        String comments = http.get("/api/now/table/incident/" + id + "?sysparm_display_value=true").result().get("comments").asText();
        assertTrue(comments.contains("(Additional comments)\nfor the caller"), comments);
    }
}
