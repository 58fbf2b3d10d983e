package io.jenkins.plugins.servicenowflashduty.client.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SimulatedInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The change lifecycle against the simulator over real HTTP. */
class ChangesTest {
    static final BuildContext BUILD = new BuildContext("shop/deploy", 7, "https://ci.example.com/job/shop/job/deploy/7/", "", "main", "f00d");

    private Simulator sim;
    private ServiceNowClient client;
    private Changes changes;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        client = SimulatedInstance.client(sim);
        changes = new Changes(client);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private Map<String, String> stored(ChangeRef c) {
        return sim.serviceNow().record("change_request", c.sysId()).orElseThrow();
    }

    private static ChangeRequest request(ChangeType type, String template, String risk, String start, String end) {
        return new ChangeRequest(type, template, "Deploy shop 1.4.2", "Release notes: ✓ <b>fixes</b>", "Change Management", "web-frontend",
                risk, "2", start, end, "run the pipeline", "redeploy 1.4.1", "smoke tests", Map.of("category", "Software"));
    }

    @Test
    void theDefaultShortDescriptionKeepsTheEndOfALongJobName() {
        BuildContext longJob = new BuildContext("org/" + "very-long-folder-name/".repeat(10) + "deploy", 7, "", "", "", "");
        ChangeRequest noTitle = new ChangeRequest(ChangeType.NORMAL, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
        String shortDescription = stored(changes.open(longJob, noTitle)).get("short_description");
        assertEquals(160, shortDescription.length());
        assertTrue(shortDescription.startsWith("Deploy …") && shortDescription.endsWith("/deploy #7"), shortDescription);
    }

    @Test
    void correlationIdsOfLongJobNamesKeepWholeCharacters() {
        for (String end : new String[] {"", "x"}) { // the cut, counted from the end, lands between or inside a pair
            String id = Changes.newCorrelationId(new BuildContext("😀".repeat(60) + end, 7, "", "", "", ""));
            assertTrue(id.length() <= 100, id);
            assertTrue(id.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE), id);
        }
    }

    @Test
    void aNormalChangeGoesFromNewToClosedWithTheRealResult() {
        ChangeRef c = changes.open(BUILD, request(ChangeType.NORMAL, null, "moderate", "2026-11-23T22:00:00+01:00", "2026-11-23 23:30:00"));
        assertTrue(c.number().startsWith("CHG"));
        assertEquals(ChangeState.NEW, c.state());
        assertEquals(sim.baseUrl() + "/change_request.do?sys_id=" + c.sysId(), c.url());
        Map<String, String> s = stored(c);
        assertEquals("normal", s.get("type"));
        assertEquals("3", s.get("risk"));
        assertEquals("2", s.get("impact"));
        assertEquals("2026-11-23 21:00:00", s.get("start_date"));
        assertEquals("2026-11-23 23:30:00", s.get("end_date"));
        assertEquals("Software", s.get("category"));
        assertEquals("Jenkins", s.get("correlation_display"));
        assertTrue(s.get("correlation_id").startsWith("jenkins-change:shop/deploy:7:"));
        assertTrue(s.get("description").startsWith("Release notes: ✓ <b>fixes</b>\n\nRequested by Jenkins build shop/deploy #7.\nBuild: https://ci.example.com/job/shop/job/deploy/7/"));

        ChangeRef assessing = changes.requestApproval(c);
        assertEquals(ChangeState.ASSESS, assessing.state());
        assertEquals("requested", assessing.approval());
        ChangeRef scheduled = changes.refresh(assessing); // one poll: the simulated CAB approves
        assertEquals(ChangeState.SCHEDULED, scheduled.state());
        ChangeRef implementing = changes.startImplementation(scheduled);
        assertEquals(ChangeState.IMPLEMENT, implementing.state());
        assertFalse(stored(c).get("work_start").isEmpty());
        ChangeRef closed = changes.close(implementing, CloseCode.ofResult("UNSTABLE"), "Deployed by build #7 with 2 flaky tests");
        assertEquals(ChangeState.CLOSED, closed.state());
        assertEquals("successful_issues", stored(c).get("close_code"));
        assertEquals("Deployed by build #7 with 2 flaky tests", stored(c).get("close_notes"));
        assertEquals(closed, changes.close(closed, CloseCode.SUCCESSFUL, null)); // closing twice is harmless
    }

    private List<String> writes(ChangeRef c) {
        return sim.requests().matching(r -> r.path().endsWith(c.sysId())).stream().map(r -> r.method()).toList();
    }

    private static <T> T done(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void afterTheApprovalTheAsynchronousFormsTakeOneRequestToImplementAndTwoToClose() throws Exception {
        ChangeRef scheduled = changes.refresh(changes.requestApproval(changes.open(BUILD, ChangeRequest.normal("x"))));
        assertEquals(ChangeState.SCHEDULED, scheduled.state());
        sim.requests().clear();
        ChangeRef implementing = done(changes.startImplementationAsync(scheduled));
        assertEquals(ChangeState.IMPLEMENT, implementing.state());
        assertEquals(List.of("PATCH"), writes(scheduled), "the poll's answer is current: no read first");
        sim.requests().clear();
        ChangeRef closed = done(changes.closeAsync(implementing, true, CloseCode.SUCCESSFUL, "Deployed by build #7", Runnable::run));
        assertEquals(ChangeState.CLOSED, closed.state());
        assertEquals(List.of("PATCH", "PATCH"), writes(scheduled)); // Review, then Closed with its code and notes
        assertEquals("successful", stored(scheduled).get("close_code"));
        assertEquals("Deployed by build #7", stored(scheduled).get("close_notes"));
    }

    @Test
    void theEvidenceGoesWithTheMoveToReviewSoThatADeploymentClosesInTwoWrites() throws Exception {
        ChangeRef scheduled = changes.refresh(changes.requestApproval(changes.open(BUILD, ChangeRequest.normal("x"))));
        ChangeRef implementing = done(changes.startImplementationAsync(scheduled));
        sim.requests().clear();
        Evidence evidence = new Evidence("shop/deploy #7", "", "successful", null, List.of(), List.of(), null, List.of());
        ChangeRef review = done(changes.recordEvidenceInReviewAsync(implementing, evidence, null, null));
        assertEquals(ChangeState.REVIEW, review.state());
        ChangeRef closed = done(changes.closeAsync(review, true, CloseCode.SUCCESSFUL, "Deployed by build #7", Runnable::run));
        assertEquals(ChangeState.CLOSED, closed.state());
        assertEquals(List.of("PATCH", "PATCH"), writes(scheduled), "the evidence with Review, then Closed");
        assertEquals(1, sim.serviceNow().journal("change_request", scheduled.sysId(), "work_notes").stream()
                .filter(n -> n.startsWith("Deployment evidence from Jenkins build shop/deploy #7")).count());

        // a person moved the other change on meanwhile: the state model refuses the move, and the evidence is written alone
        ChangeRef other = done(changes.startImplementationAsync(changes.refresh(changes.requestApproval(changes.open(BUILD,
                ChangeRequest.normal("y"))))));
        changes.cancel(other, "called off by the release manager");
        ChangeRef asKnown = done(changes.recordEvidenceInReviewAsync(other, evidence, null, null));
        assertEquals(ChangeState.IMPLEMENT, asKnown.state(), "the change as the caller knew it: closing reads it again");
        assertEquals(ChangeState.CANCELED, changes.refresh(other).state());
        assertEquals(1, sim.serviceNow().journal("change_request", other.sysId(), "work_notes").stream()
                .filter(n -> n.startsWith("Deployment evidence from Jenkins build shop/deploy #7")).count());
    }

    @Test
    void aChangeThatMovedSinceItWasReadIsReadAgainAndDecidedAsTheBlockingFormsDo() throws Exception {
        ChangeRef scheduled = changes.refresh(changes.requestApproval(changes.open(BUILD, ChangeRequest.normal("x"))));
        changes.cancel(scheduled, "called off by the release manager");
        ApiException refused = (ApiException) assertThrows(java.util.concurrent.ExecutionException.class,
                () -> done(changes.startImplementationAsync(scheduled))).getCause();
        assertEquals(Problem.REFUSED, refused.problem());
        assertEquals("Change " + scheduled.number() + " is Canceled, not Scheduled; it cannot be implemented before it is approved.",
                refused.getMessage());

        ChangeRef other = changes.refresh(changes.requestApproval(changes.open(BUILD, ChangeRequest.normal("y"))));
        ChangeRef implementing = done(changes.startImplementationAsync(other));
        changes.cancel(implementing, "called off during the deployment");
        sim.requests().clear();
        ChangeRef after = done(changes.closeAsync(implementing, false, CloseCode.SUCCESSFUL, null, Runnable::run));
        assertEquals(ChangeState.CANCELED, after.state(), "a change ended by a person is left as it is");
        assertEquals(List.of("GET"), writes(other));
        sim.requests().clear();
        assertEquals(ChangeState.CANCELED, done(changes.closeAsync(implementing, true, CloseCode.SUCCESSFUL, null, Runnable::run)).state(),
                "even when the caller thought its state current: the refused move makes it look");
        assertEquals("4", stored(other).get("state"));
    }

    @Test
    void closingFromScheduledWalksThroughImplementAndReview() {
        ChangeRef c = changes.refresh(changes.requestApproval(changes.open(BUILD, ChangeRequest.normal("x"))));
        assertEquals(ChangeState.SCHEDULED, c.state());
        assertEquals(ChangeState.CLOSED, changes.close(c, CloseCode.ofResult("FAILURE"), null).state());
        assertEquals("unsuccessful", stored(c).get("close_code"));
        assertEquals("Closed by Jenkins: unsuccessful", stored(c).get("close_notes"));
    }

    @Test
    void anUnapprovedChangeIsCanceledNotClosed() {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        ChangeRef c = changes.requestApproval(changes.open(BUILD, ChangeRequest.normal("x")));
        ApiException early = assertThrows(ApiException.class, () -> changes.startImplementation(c));
        assertEquals(Problem.REFUSED, early.problem());
        assertEquals("Change " + c.number() + " is Assess, not Scheduled; it cannot be implemented before it is approved.", early.getMessage());
        ChangeRef ended = changes.close(c, CloseCode.UNSUCCESSFUL, "build aborted");
        assertEquals(ChangeState.CANCELED, ended.state());
        assertTrue(sim.serviceNow().journal("change_request", c.sysId(), "work_notes").get(0).contains("Not approved"));
    }

    @Test
    void standardChangesComeFromATemplateAndNeedNoApproval() {
        ChangeRef c = changes.open(BUILD, request(ChangeType.STANDARD, "Deploy web application", null, null, null));
        assertEquals("approved", c.approval());
        assertEquals("Redeploy the previous version", stored(c).get("backout_plan"));
        assertTrue(sim.serviceNow().journal("change_request", c.sysId(), "work_notes").get(0)
                .contains("Requested by Jenkins build shop/deploy #7.\nBuild: https://ci.example.com/job/shop/job/deploy/7/"));
        assertEquals(ChangeState.SCHEDULED, changes.requestApproval(c).state());
    }

    @Test
    void emergencyChangesGoStraightToAuthorize() {
        ChangeRef c = changes.open(BUILD, request(ChangeType.EMERGENCY, null, "high", null, null));
        assertEquals(ChangeState.AUTHORIZE, changes.requestApproval(c).state());
    }

    @Test
    void withoutTheChangeApiTheTableApiIsUsedAndTheProbeIsRemembered() {
        sim.serviceNow().setChangeApiInstalled(false);
        ChangeRef normal = changes.open(BUILD, ChangeRequest.normal("via table api"));
        ChangeRef standard = changes.open(BUILD, request(ChangeType.STANDARD, "Deploy web application", null, null, null));
        assertTrue(client.changeApiMissing());
        assertEquals(1, sim.requests().matching("POST", "/api/sn_chg_rest/").size());
        assertEquals("normal", stored(normal).get("type"));
        assertEquals("standard", stored(standard).get("type"));
        assertEquals("Run the pipeline's deploy stage", stored(standard).get("implementation_plan")); // template applied by hand
        assertEquals("Deploy shop 1.4.2", stored(standard).get("short_description"));
        assertEquals("Redeploy the previous version", stored(standard).get("backout_plan"));
        assertEquals("Software", stored(standard).get("category"));
    }

    @Test
    void aCreateWhoseAnswerIsLostMakesOneChange() {
        sim.faults().on("POST", "/api/sn_chg_rest/change/normal").times(1).afterProcessing().drop();
        ChangeRef c = changes.open(BUILD, ChangeRequest.normal("once"));
        assertEquals(1, sim.serviceNow().records("change_request").size());
        assertEquals(c.sysId(), sim.serviceNow().records("change_request").get(0).get("sys_id"));
    }

    @Test
    void fieldsTheChangeApiIgnoredAreReportedSoAStepCanWarn() {
        ChangeRequest misspelt = new ChangeRequest(ChangeType.NORMAL, null, "Deploy", null, null, null, null, null, null, null, null, null,
                null, Map.of("categroy", "Software", "justification", "release"));
        ChangeRef c = changes.open(BUILD, misspelt);
        assertEquals(List.of("categroy"), c.ignoredFields());
        assertEquals("release", stored(c).get("justification"));
    }

    @Test
    void aChangeIsFoundByNumberSysIdOrTheCorrelationIdItWasOpenedWith() {
        String correlationId = Changes.newCorrelationId(BUILD);
        assertTrue(changes.findOpened(correlationId).isEmpty());
        ChangeRef c = changes.open(BUILD, ChangeRequest.normal("findable"), correlationId);
        assertEquals(c.sysId(), changes.findOpened(correlationId).orElseThrow().sysId());
        assertEquals(c.sysId(), changes.find(c.number().toLowerCase(java.util.Locale.ROOT)).sysId());
        assertEquals(c.number(), changes.find(c.sysId()).number());
        assertEquals(ChangeState.ASSESS, changes.setState(c, ChangeState.ASSESS).state());
        assertEquals("'INC0010001' is not a change number or sys_id; change numbers look like CHG0030001.", refused(() -> changes.find("INC0010001")));
        ApiException missing = assertThrows(ApiException.class, () -> changes.find("CHG9999999"));
        assertEquals(Problem.NOT_FOUND, missing.problem());
    }

    @Test
    void aCancelsWorkNoteIsNotDoubledByARetriedGatewayError() {
        ChangeRef c = changes.open(BUILD, ChangeRequest.normal("to cancel"));
        sim.faults().on("PATCH", "/api/now/table/change_request").times(1).afterProcessing().respond(502);
        ChangeRef canceled = changes.cancel(c, "Build aborted");
        assertEquals(ChangeState.CANCELED, canceled.state());
        assertEquals(List.of("Build aborted"), sim.serviceNow().journal("change_request", c.sysId(), "work_notes"));
    }

    @Test
    void aProxysHtml404DoesNotSwitchTheInstanceToTheTableApi() {
        sim.faults().on("POST", "/api/sn_chg_rest/change/normal").times(1).respond(404);
        ApiException e = assertThrows(ApiException.class, () -> changes.open(BUILD, ChangeRequest.normal("behind a proxy")));
        assertEquals(Problem.NOT_FOUND, e.problem());
        assertFalse(client.changeApiMissing());
        changes.open(BUILD, ChangeRequest.normal("next one"));
        assertEquals(2, sim.requests().matching("POST", "/api/sn_chg_rest/").size());
        assertEquals(0, sim.requests().matching("POST", "/api/now/table/change_request").size());
    }

    private String refused(Runnable r) {
        ApiException e = assertThrows(ApiException.class, r::run);
        assertEquals(Problem.INVALID_INPUT, e.problem());
        return e.getMessage();
    }

    @Test
    void badInputIsOneSentenceAndNothingIsCreated() {
        assertEquals("'minor' is not a change type; use normal, standard or emergency.", refused(() -> ChangeType.parse("minor")));
        assertEquals("The short description is empty; leave it out to get \"Deploy shop/deploy #7\", or give some text.",
                refused(() -> changes.open(BUILD, ChangeRequest.normal(""))));
        assertEquals("'huge' is not a change risk; use 1 (very high), 2 (high), 3 (moderate) or 4 (low).",
                refused(() -> changes.open(BUILD, request(ChangeType.NORMAL, null, "huge", null, null))));
        assertTrue(refused(() -> changes.open(BUILD, request(ChangeType.NORMAL, null, null, "tomorrow", null)))
                .startsWith("The planned start 'tomorrow' is not a date"));
        assertEquals("The planned end (2026-11-23 10:00:00 UTC) is before the planned start (2026-11-23 11:00:00 UTC).",
                refused(() -> changes.open(BUILD, request(ChangeType.NORMAL, null, null, "2026-11-23 11:00:00", "2026-11-23 10:00:00"))));
        assertEquals("A standard change needs a template; give the name or sys_id of a standard change template.",
                refused(() -> changes.open(BUILD, request(ChangeType.STANDARD, " ", null, null, null))));
        assertEquals("Only standard changes come from a template; set the type to standard or leave the template out.",
                refused(() -> changes.open(BUILD, request(ChangeType.NORMAL, "Deploy web application", null, null, null))));
        assertEquals("ServiceNow has no std_change_record_producer whose name is 'Nope'; check the name or give its sys_id.",
                refused(() -> changes.open(BUILD, request(ChangeType.STANDARD, "Nope", null, null, null))));
        assertEquals("'done' is not a change close code; use successful, successful_issues or unsuccessful.", refused(() -> CloseCode.parse("done")));
        assertEquals(CloseCode.SUCCESSFUL_ISSUES, CloseCode.parse("Successful with issues"));
        assertTrue(refused(() -> ChangeState.parse("Done")).startsWith("'Done' is not a change state"));
        assertEquals(ChangeState.NEW, ChangeState.parse("-5.0"));
        assertEquals(List.of(), sim.serviceNow().records("change_request"));
    }

    @Test
    void anUpdateCannotApproveItsOwnChangeOrGoAroundTheStepsParameters() {
        ApiException approve = assertThrows(ApiException.class, () -> Changes.updateFields(Map.of("approval", "approved")));
        assertEquals("fields: cannot set approval; a change is approved by its approvers in ServiceNow, not by the pipeline.",
                approve.getMessage());
        assertEquals(Problem.INVALID_INPUT, approve.problem());
        assertEquals("fields: cannot set state; use the step's state: parameter.",
                assertThrows(ApiException.class, () -> Changes.updateFields(Map.of("state", "-1"))).getMessage());
        assertEquals("fields: cannot set close_code; use the step's closeCode: parameter.",
                assertThrows(ApiException.class, () -> Changes.updateFields(Map.of("close_code", "successful"))).getMessage());
        assertEquals("fields: cannot set number; ServiceNow and the plugin set it.",
                assertThrows(ApiException.class, () -> Changes.updateFields(Map.of("number", "CHG1"))).getMessage());
        assertEquals(Map.of("u_release", "1.4.2"), Changes.updateFields(Map.of("u_release", "1.4.2")));
    }
}
