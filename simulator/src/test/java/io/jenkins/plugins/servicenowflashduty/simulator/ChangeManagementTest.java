package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SimulatorExtension.class)
class ChangeManagementTest {
    private Simulator sim;
    private SimHttp http;

    @BeforeEach
    void start(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
    }

    private JsonNode createNormal(String json) {
        SimHttp.Reply r = http.post("/api/sn_chg_rest/change/normal", json);
        assertEquals(200, r.status(), r.body());
        return r.result();
    }

    private static String id(JsonNode typedChange) {
        return typedChange.get("sys_id").get("value").asText();
    }

    private String state(String id) {
        return sim.serviceNow().record("change_request", id).get().get("state");
    }

    @Test
    void createNormalAnswers200WithTypedValuesAndIgnoredFields() {
        JsonNode c = createNormal("{\"short_description\":\"Deploy web 1.4.2\",\"no_such_field\":\"x\",\"assignment_group\":\"Change Management\"}");
        assertTrue(c.get("number").get("value").asText().matches("CHG\\d{7}"));
        assertEquals(-5.0, c.get("state").get("value").asDouble());
        assertTrue(c.get("state").get("value").isNumber());
        assertEquals("New", c.get("state").get("display_value").asText());
        assertEquals("normal", c.get("type").get("value").asText());
        assertEquals("not requested", c.get("approval").get("value").asText());
        assertEquals("Not Yet Requested", c.get("approval").get("display_value").asText());
        assertTrue(c.get("active").get("value").isBoolean());
        assertEquals("Normal", c.get("chg_model").get("display_value").asText());
        assertEquals("Change Management", c.get("assignment_group").get("display_value").asText());
        assertTrue(c.get("start_date").has("display_value_internal"));
        assertEquals("[\"no_such_field\"]", c.get("__meta").get("ignoredFields").toString());
    }

    @Test
    void urlParametersAreFieldsAndTheBodyWins() {
        JsonNode c = http.post("/api/sn_chg_rest/change/normal?short_description=from-url&description=url-desc",
                "{\"short_description\":\"from-body\"}").result();
        assertEquals("from-body", c.get("short_description").get("value").asText());
        assertEquals("url-desc", c.get("description").get("value").asText());
    }

    @Test
    void standardChangeComesFromATemplateIsPreApprovedAndKeepsItsPlans() {
        JsonNode templates = http.get("/api/sn_chg_rest/change/standard/template?textSearch=Deploy").result();
        assertEquals(1, templates.size());
        String template = templates.get(0).get("sys_id").get("value").asText();
        SimHttp.Reply r = http.post("/api/sn_chg_rest/change/standard/" + template,
                "{\"short_description\":\"Deploy shop 2.0\",\"backout_plan\":\"mine\"}");
        assertEquals(200, r.status(), r.body());
        JsonNode c = r.result();
        assertEquals("standard", c.get("type").get("value").asText());
        assertEquals("approved", c.get("approval").get("value").asText());
        assertEquals("Deploy shop 2.0", c.get("short_description").get("value").asText());
        assertEquals("Redeploy the previous version", c.get("backout_plan").get("value").asText());
        assertTrue(c.get("__meta").get("ignoredFields").toString().contains("backout_plan"));
        // standard: New -> Scheduled -> Implement without approval
        assertEquals(200, http.patch("/api/sn_chg_rest/change/" + id(c), "{\"state\":\"-2\"}").status());
        assertEquals(200, http.patch("/api/sn_chg_rest/change/" + id(c), "{\"state\":\"-1\"}").status());
        assertEquals("-1", state(id(c)));
    }

    @Test
    void unknownTemplateIs404() {
        SimHttp.Reply r = http.post("/api/sn_chg_rest/change/standard/0123456789abcdef0123456789abcdef", "{}");
        assertEquals(404, r.status());
    }

    @Test
    void normalChangeWaitsForApprovalThenIsScheduled() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(2));
        String id = id(createNormal("{\"short_description\":\"needs CAB\"}"));
        JsonNode assess = http.patch("/api/sn_chg_rest/change/" + id, "{\"state\":\"-4\"}").result();
        assertEquals("requested", assess.get("approval").get("value").asText());
        assertEquals("requested", http.get("/api/sn_chg_rest/change/" + id).result().get("approval").get("value").asText());
        JsonNode second = http.get("/api/now/table/change_request/" + id + "?sysparm_fields=state,approval").result();
        assertEquals("approved", second.get("approval").asText());
        assertEquals("-2", second.get("state").asText());
        assertTrue(sim.serviceNow().journal("change_request", id, "work_notes").get(0).contains("approved"));
        // then the pipeline walks it to Implement, Review, Closed
        assertEquals(200, http.patch("/api/sn_chg_rest/change/" + id, "{\"state\":\"-1\"}").status());
        assertEquals(200, http.patch("/api/sn_chg_rest/change/" + id, "{\"state\":\"0\"}").status());
        SimHttp.Reply closeWithoutCode = http.patch("/api/sn_chg_rest/change/" + id, "{\"state\":\"3\"}");
        assertEquals(403, closeWithoutCode.status());
        assertTrue(closeWithoutCode.errorDetail().contains("Close code, Close notes"), closeWithoutCode.errorDetail());
        JsonNode closed = http.patch("/api/sn_chg_rest/change/" + id,
                "{\"state\":\"3\",\"close_code\":\"successful\",\"close_notes\":\"Deployed by build #7\"}").result();
        assertEquals(3.0, closed.get("state").get("value").asDouble());
        assertEquals(false, closed.get("active").get("value").asBoolean());
        assertEquals("Successful", closed.get("close_code").get("display_value").asText());
    }

    @Test
    void listPollsCountForEveryWaitingChangeInThePage() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = id(createNormal("{}"));
            http.patch("/api/now/table/change_request/" + id, "{\"state\":\"-4\"}");
            ids.add(id);
        }
        JsonNode rows = http.get("/api/now/table/change_request?sysparm_query=sys_idIN" + String.join(",", ids)
                + "&sysparm_fields=sys_id,approval,state").result();
        assertEquals(3, rows.size());
        rows.forEach(r -> assertEquals("approved", r.get("approval").asText()));
    }

    @Test
    void approversAnswerAtAListingThatDoesNotReturnTheChangeSoAWatcherMayAskOnlyForUpdates() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfter(Duration.ofMinutes(10)));
        String id = id(createNormal("{\"correlation_display\":\"Jenkins\"}"));
        http.patch("/api/now/table/change_request/" + id, "{\"state\":\"-4\"}");
        String updatedSince = sim.serviceNow().record("change_request", id).get().get("sys_updated_on");
        sim.clock().advance(Duration.ofMinutes(11));
        String since = "/api/now/table/change_request?sysparm_fields=sys_id,approval,sys_updated_on&sysparm_query="
                + "correlation_display=Jenkins%5Esys_updated_on%3E" + updatedSince.replace(" ", "%20");
        JsonNode rows = http.get(since).result();
        assertEquals(1, rows.size(), "approved at this listing, so updated after the time asked for: " + rows);
        assertEquals("approved", rows.get(0).get("approval").asText());
        assertTrue(rows.get(0).get("sys_updated_on").asText().compareTo(updatedSince) > 0);
    }

    @Test
    void approveAllAnswersEveryWaitingChangeAtOnce() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = id(createNormal("{}"));
            http.patch("/api/now/table/change_request/" + id, "{\"state\":\"-4\"}");
            ids.add(id);
        }
        String notAsked = id(createNormal("{}"));
        SimHttp.Reply r = http.post("/_sim/changes/approve-all", "");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("\"decided\":3"), r.body());
        ids.forEach(id -> assertEquals("-2", state(id)));
        assertEquals("-5", state(notAsked));
    }

    @Test
    void rejectionSendsTheChangeBackToNew() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.rejectAfterPolls(1));
        String id = id(createNormal("{}"));
        http.patch("/api/now/table/change_request/" + id, "{\"state\":\"-4\"}");
        JsonNode r = http.get("/api/now/table/change_request/" + id).result();
        assertEquals("rejected", r.get("approval").asText());
        assertEquals("-5", r.get("state").asText());
    }

    @Test
    void timeBasedApprovalFollowsTheSimulatedClock() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfter(Duration.ofMinutes(10)));
        String id = id(createNormal("{}"));
        http.patch("/api/now/table/change_request/" + id, "{\"state\":\"-4\"}");
        assertEquals("requested", http.get("/api/now/table/change_request/" + id).result().get("approval").asText());
        sim.clock().advance(Duration.ofMinutes(11));
        assertEquals("approved", http.get("/api/now/table/change_request/" + id).result().get("approval").asText());
    }

    @Test
    void neverPolicyWaitsForTheApprovalsEndpoint() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        String id = id(createNormal("{}"));
        http.patch("/api/now/table/change_request/" + id, "{\"state\":\"-4\"}");
        for (int i = 0; i < 5; i++) {
            assertEquals("requested", http.get("/api/now/table/change_request/" + id).result().get("approval").asText());
        }
        SimHttp.Reply noComment = http.patch("/api/sn_chg_rest/change/" + id + "/approvals", "{\"state\":\"rejected\"}");
        assertEquals(400, noComment.status());
        SimHttp.Reply readonly = new SimHttp(sim).as("readonly", "readonly").patch("/api/sn_chg_rest/change/" + id + "/approvals", "{\"state\":\"approved\"}");
        assertEquals(404, readonly.status()); // cannot even see the change
        SimHttp.Reply approved = http.patch("/api/sn_chg_rest/change/" + id + "/approvals", "{\"state\":\"approved\"}");
        assertEquals(200, approved.status(), approved.body());
        assertEquals(-2.0, approved.result().get("state").get("value").asDouble());
    }

    @Test
    void perChangePolicyOverridesTheInstancePolicy() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        String id = id(createNormal("{}"));
        sim.serviceNow().setApprovalPolicy(id, ApprovalPolicy.rejectAfterPolls(1));
        http.patch("/api/now/table/change_request/" + id, "{\"state\":\"-4\"}");
        assertEquals("rejected", http.get("/api/now/table/change_request/" + id).result().get("approval").asText());
    }

    @Test
    void illegalTransitionsAreRefusedByTheStateModel() {
        String id = id(createNormal("{}"));
        SimHttp.Reply skip = http.patch("/api/sn_chg_rest/change/" + id, "{\"state\":\"-1\"}");
        assertEquals(403, skip.status());
        assertTrue(skip.errorDetail().contains("Check State Transition"), skip.errorDetail());
        assertTrue(skip.errorDetail().contains("from New to Implement"), skip.errorDetail());
        assertEquals("-5", state(id));
        JsonNode next = http.get("/api/sn_chg_rest/change/" + id + "/nextstates").result();
        assertEquals("[\"-5\",\"-4\",\"4\"]", next.get("available_states").toString());
        assertEquals("Assess", next.get("state_label").get("-4").asText());
        assertEquals(200, http.patch("/api/sn_chg_rest/change/" + id, "{\"state\":\"4\"}").status());
        assertEquals(403, http.patch("/api/sn_chg_rest/change/" + id, "{\"state\":\"-5\"}").status());
    }

    @Test
    void emergencyGoesStraightToAuthorize() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        String id = id(http.post("/api/sn_chg_rest/change/emergency", "{\"short_description\":\"hotfix\"}").result());
        JsonNode auth = http.patch("/api/sn_chg_rest/change/" + id, "{\"state\":\"-3\"}").result();
        assertEquals("requested", auth.get("approval").get("value").asText());
        assertEquals(-2.0, http.get("/api/sn_chg_rest/change/emergency/" + id).result().get("state").get("value").asDouble());
        assertEquals(404, http.get("/api/sn_chg_rest/change/normal/" + id).status());
    }

    @Test
    void listFiltersByTypeQueryAndText() {
        createNormal("{\"short_description\":\"alpha release\"}");
        http.post("/api/sn_chg_rest/change/emergency", "{\"short_description\":\"alpha hotfix\"}");
        assertEquals(2, http.get("/api/sn_chg_rest/change?textSearch=alpha").result().size());
        assertEquals(1, http.get("/api/sn_chg_rest/change/emergency").result().size());
        assertEquals(1, http.get("/api/sn_chg_rest/change?sysparm_query=short_descriptionLIKErelease").result().size());
        assertEquals(1, http.get("/api/sn_chg_rest/v1/change?sysparm_query=type=normal").result().size());
    }

    @Test
    void deleteNeedsChangeManagerAndAnswers204() {
        String id = id(createNormal("{}"));
        assertEquals(204, http.delete("/api/sn_chg_rest/change/" + id).status());
        assertEquals(404, http.get("/api/sn_chg_rest/change/" + id).status());
    }

    @Test
    void changeTasksHangOffTheirChange() {
        String id = id(createNormal("{}"));
        SimHttp.Reply task = http.post("/api/sn_chg_rest/change/" + id + "/task", "{\"short_description\":\"smoke test\"}");
        assertEquals(200, task.status(), task.body());
        assertTrue(task.result().get("number").get("value").asText().startsWith("CTASK"));
        assertEquals(1, http.get("/api/sn_chg_rest/change/" + id + "/task").result().size());
    }

    @Test
    void withoutTheChangeManagementPluginTheApiDoesNotExist() {
        sim.serviceNow().setChangeApiInstalled(false);
        SimHttp.Reply r = http.post("/api/sn_chg_rest/change/normal", "{}");
        assertEquals(400, r.status());
        assertEquals("Requested URI does not represent any resource", r.errorMessage());
        // the Table API still works on change_request
        SimHttp.Reply table = http.post("/api/now/table/change_request", "{\"short_description\":\"fallback\"}");
        assertEquals(201, table.status());
        assertEquals("-5", table.result().get("state").asText());
        assertFalse(table.result().get("number").asText().isEmpty());
    }
}
