package io.jenkins.plugins.servicenowflashduty.client.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRef;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRequest;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SimulatedInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Raise, update and resolve against the simulator over real HTTP. */
class IncidentsTest {
    private Simulator sim;
    private Incidents incidents;

    private static BuildContext build(int n, String result) {
        return new BuildContext("team/deploy-web", n, "https://ci.example.com/job/team/job/deploy-web/" + n + "/", result, "main", "abc123");
    }

    @BeforeEach
    void start() {
        sim = Simulator.start();
        incidents = new Incidents(SimulatedInstance.client(sim));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private List<Map<String, String>> stored() {
        return sim.serviceNow().records("incident");
    }

    @Test
    void anIncidentRaisedByABuildThatHasNotFailedSaysWhatHappenedNotThatItFailed() {
        incidents.raise(build(7, ""), new IncidentRequest("running", null, null, null, null, null, null, null, null, null, null, null));
        incidents.raise(build(8, "SUCCESS"), new IncidentRequest("green", null, null, null, null, null, null, null, null, null, null, null));
        incidents.raise(build(9, "UNSTABLE"), new IncidentRequest("unstable", null, null, null, null, null, null, null, null, null, null, null));
        Map<String, String> running = stored().get(0);
        assertEquals("team/deploy-web #7 reported a problem", running.get("short_description"));
        assertTrue(running.get("description").startsWith("Jenkins build team/deploy-web #7 raised this incident while running.\n"),
                running.get("description"));
        assertEquals("team/deploy-web #8 reported a problem", stored().get(1).get("short_description"));
        assertTrue(stored().get(1).get("description").startsWith("Jenkins build team/deploy-web #8 raised this incident.\n"));
        assertEquals("team/deploy-web #9 is unstable", stored().get(2).get("short_description"));
    }

    @Test
    void anIncidentIsLinkedToTheChangeThatCausedItAndTheChangeHearsOfIt() {
        ServiceNowClient client = SimulatedInstance.client(sim);
        ChangeRef change = new Changes(client).open(build(41, ""), ChangeRequest.normal("Deploy web 2.0"));
        IncidentOutcome o = incidents.raise(build(42, "FAILURE"), IncidentRequest.defaults(), null, new CausedBy(change.number(), false));
        assertEquals("Opened incident " + o.number() + ", caused by change " + change.number() + ".", o.message());
        assertEquals(change.sysId(), stored().get(0).get("caused_by"));
        List<String> notes = sim.serviceNow().journal("change_request", change.sysId(), "work_notes");
        assertTrue(notes.get(0).startsWith("Incident " + o.number() + " was raised for Jenkins build team/deploy-web #42"), notes.toString());
        // failing again notes the open incident; the change hears nothing more
        incidents.raise(build(43, "FAILURE"), IncidentRequest.defaults(), null, new CausedBy(change.number(), false));
        assertEquals(notes.size(), sim.serviceNow().journal("change_request", change.sysId(), "work_notes").size());
    }

    @Test
    void aChangeThatRefusesTheNoteDoesNotUndoTheIncident() {
        ServiceNowClient client = SimulatedInstance.client(sim);
        ChangeRef change = new Changes(client).open(build(41, ""), ChangeRequest.normal("Deploy web 2.0"));
        sim.faults().on("PATCH", "/api/now/table/change_request/").respond(403);
        IncidentOutcome o = incidents.raise(build(42, "FAILURE"), IncidentRequest.defaults(), null, new CausedBy(change.number(), false));
        assertEquals(IncidentOutcome.Action.CREATED, o.action());
        assertTrue(o.message().startsWith("Opened incident " + o.number() + ", caused by change " + change.number()
                + ". The work note on the change could not be written: "), o.message());
        assertEquals(change.sysId(), stored().get(0).get("caused_by"));
        assertEquals(1, stored().size());
    }

    @Test
    void aChangeNamedByThePipelineMustExistOneFoundByThePluginNeedNot() {
        ApiException e = assertThrows(ApiException.class, () -> incidents.raise(build(1, "FAILURE"),
                new IncidentRequest("a", null, null, null, null, null, null, null, null, null, null, null), null, new CausedBy("CHG0099999", true)));
        assertTrue(e.getMessage().contains("no change CHG0099999"), e.getMessage());
        assertTrue(stored().isEmpty());
        IncidentOutcome o = incidents.raise(build(1, "FAILURE"),
                new IncidentRequest("b", null, null, null, null, null, null, null, null, null, null, null), null, new CausedBy("CHG0099999", false));
        assertEquals(IncidentOutcome.Action.CREATED, o.action());
        assertEquals("Opened incident " + o.number() + ". Change CHG0099999 could not be read, so the incident is not linked to it.", o.message());
        assertEquals("", stored().get(0).get("caused_by"));
    }

    @Test
    void aFailureOpensAnIncidentWithBuildDetails() {
        IncidentOutcome o = incidents.raise(build(42, "FAILURE"), IncidentRequest.defaults());
        assertEquals(IncidentOutcome.Action.CREATED, o.action());
        assertTrue(o.number().startsWith("INC"));
        assertEquals(sim.baseUrl() + "/incident.do?sys_id=" + o.sysId(), o.url());
        assertEquals("Opened incident " + o.number() + ".", o.message());
        Map<String, String> inc = stored().get(0);
        assertEquals("team/deploy-web #42 failed", inc.get("short_description"));
        assertTrue(inc.get("description").contains("https://ci.example.com/job/team/job/deploy-web/42/"));
        assertTrue(inc.get("description").contains("Commit: abc123"));
        assertEquals("jenkins:team/deploy-web", inc.get("correlation_id"));
        assertEquals("Jenkins", inc.get("correlation_display"));
        assertEquals("2", inc.get("urgency"));
        assertEquals("3", inc.get("priority"));
    }

    @Test
    void failingAgainAddsAWorkNoteInsteadOfATwin() {
        IncidentOutcome first = incidents.raise(build(42, "FAILURE"), IncidentRequest.defaults());
        IncidentOutcome again = incidents.raise(build(43, "FAILURE"), IncidentRequest.defaults());
        assertEquals(IncidentOutcome.Action.UPDATED, again.action());
        assertEquals(first.number(), again.number());
        assertEquals(1, stored().size());
        assertEquals(List.of("Failed again in team/deploy-web #43: https://ci.example.com/job/team/job/deploy-web/43/"),
                sim.serviceNow().journal("incident", first.sysId(), "work_notes"));
    }

    @Test
    void twoBuildsFailingAtOnceShareOneIncident() {
        // Slow lookups: without taking turns, both raises would find nothing open and both would create.
        sim.faults().on("GET", "/api/now/table/incident").times(2).delay(Duration.ofMillis(300));
        Incidents other = new Incidents(SimulatedInstance.client(sim));
        CompletableFuture<IncidentOutcome> a = CompletableFuture.supplyAsync(() -> incidents.raise(build(42, "FAILURE"), IncidentRequest.defaults()));
        CompletableFuture<IncidentOutcome> b = CompletableFuture.supplyAsync(() -> other.raise(build(43, "FAILURE"), IncidentRequest.defaults()));
        List<IncidentOutcome.Action> actions = List.of(a.join().action(), b.join().action());
        assertEquals(1, stored().size());
        assertTrue(actions.contains(IncidentOutcome.Action.CREATED) && actions.contains(IncidentOutcome.Action.UPDATED), actions::toString);
        assertEquals(a.join().number(), b.join().number());
    }

    @Test
    void recoveryResolvesAndTheNextFailureOpensANewOne() {
        IncidentOutcome first = incidents.raise(build(42, "FAILURE"), IncidentRequest.defaults());
        IncidentOutcome resolved = incidents.resolve(build(44, "SUCCESS"), null, null, null);
        assertEquals(IncidentOutcome.Action.RESOLVED, resolved.action());
        assertEquals(first.number(), resolved.number());
        Map<String, String> inc = sim.serviceNow().record("incident", first.sysId()).orElseThrow();
        assertEquals("6", inc.get("state"));
        assertEquals("Solution provided", inc.get("close_code"));
        assertTrue(inc.get("close_notes").startsWith("Resolved by Jenkins: team/deploy-web #44 succeeded"));
        IncidentOutcome next = incidents.raise(build(50, "FAILURE"), IncidentRequest.defaults());
        assertEquals(IncidentOutcome.Action.CREATED, next.action());
        assertEquals(2, stored().size());
    }

    @Test
    void resolvingWithNothingOpenDoesNothing() {
        IncidentOutcome o = incidents.resolve(build(1, "SUCCESS"), null, null, null);
        assertEquals(IncidentOutcome.Action.NONE, o.action());
        assertEquals("No open incident for jenkins:team/deploy-web; nothing to resolve.", o.message());
        assertTrue(stored().isEmpty());
    }

    @Test
    void keysSeparateProblemsOfTheSameJob() {
        incidents.raise(build(1, "FAILURE"), new IncidentRequest("deploy-web:prod", null, null, null, null, null, null, null, null, null, null, null));
        incidents.raise(build(1, "FAILURE"), new IncidentRequest("deploy-web:staging", null, null, null, null, null, null, null, null, null, null, null));
        assertEquals(2, stored().size());
        assertEquals(IncidentOutcome.Action.RESOLVED, incidents.resolve(build(2, "SUCCESS"), "deploy-web:prod", null, null).action());
        assertEquals(IncidentOutcome.Action.NONE, incidents.resolve(build(2, "SUCCESS"), "deploy-web:prod", null, null).action());
    }

    @Test
    void everyFieldTheAuthorSetsIsSent() {
        IncidentRequest r = new IncidentRequest(null, "Deploy of <web> failed ✗", "Details: ünïcode & <html>", "high", "low", "software",
                "deployment", "Platform Team", "Jenkins Integration", "web-frontend", Map.of("contact_type", "integration"), null);
        IncidentOutcome o = incidents.raise(build(7, "FAILURE"), r);
        Map<String, String> inc = sim.serviceNow().record("incident", o.sysId()).orElseThrow();
        assertEquals("Deploy of <web> failed ✗", inc.get("short_description"));
        assertEquals("Details: ünïcode & <html>", inc.get("description"));
        assertEquals("1", inc.get("urgency"));
        assertEquals("3", inc.get("impact"));
        assertEquals("3", inc.get("priority"));
        assertEquals("software", inc.get("category"));
        assertEquals("deployment", inc.get("subcategory"));
        assertEquals("integration", inc.get("contact_type"));
        assertEquals(sim.serviceNow().query("sys_user_group", "name=Platform Team").get(0).get("sys_id"), inc.get("assignment_group"));
        assertEquals(sim.serviceNow().query("sys_user", "user_name=jenkins").get(0).get("sys_id"), inc.get("caller_id"));
        assertEquals(sim.serviceNow().query("cmdb_ci", "name=web-frontend").get(0).get("sys_id"), inc.get("cmdb_ci"));
    }

    private String refused(Runnable r) {
        ApiException e = assertThrows(ApiException.class, r::run);
        assertEquals(Problem.INVALID_INPUT, e.problem());
        return e.getMessage();
    }

    private static IncidentRequest with(String shortDescription, String urgency, String group, Map<String, String> extra) {
        return new IncidentRequest(null, shortDescription, null, urgency, null, null, null, group, null, null, extra, null);
    }

    @Test
    void badInputIsOneSentenceAndNothingIsCreated() {
        assertEquals("'urgent' is not a valid urgency; use 1 (high), 2 (medium) or 3 (low).",
                refused(() -> incidents.raise(build(1, "FAILURE"), with(null, "urgent", null, null))));
        assertEquals("The short description is 161 characters long; ServiceNow keeps 160, so shorten it and put the rest in the description.",
                refused(() -> incidents.raise(build(1, "FAILURE"), with("x".repeat(161), null, null, null))));
        assertEquals("The short description is empty; leave it out to get \"team/deploy-web #1 failed\", or give some text.",
                refused(() -> incidents.raise(build(1, "FAILURE"), with("  ", null, null, null))));
        assertEquals("ServiceNow has no sys_user_group whose name is 'Nobody'; check the name or give its sys_id.",
                refused(() -> incidents.raise(build(1, "FAILURE"), with(null, null, "Nobody", null))));
        assertEquals("ServiceNow has no user whose user_name or name is 'Nobody Known'; check it or give the user's sys_id.",
                refused(() -> incidents.raise(build(1, "FAILURE"), new IncidentRequest(null, null, null, null, null, null, null, null,
                        "Nobody Known", null, null, null))));
        assertEquals("'Bad Field' is not a ServiceNow field name; use the column name, e.g. u_team.",
                refused(() -> incidents.raise(build(1, "FAILURE"), with(null, null, null, Map.of("Bad Field", "x")))));
        assertEquals("The field correlation_id is set by the step itself and cannot be given as an extra field.",
                refused(() -> incidents.raise(build(1, "FAILURE"), with(null, null, null, Map.of("correlation_id", "x")))));
        assertEquals("The correlation key 'a^b' contains '^' or ',', which ServiceNow queries cannot carry.",
                refused(() -> incidents.resolve(build(1, "SUCCESS"), "a^b", null, null)));
        assertTrue(stored().isEmpty());
    }

    @Test
    void closeCodesAreCheckedAgainstTheInstance() {
        incidents.raise(build(1, "FAILURE"), IncidentRequest.defaults());
        assertTrue(refused(() -> incidents.resolve(build(2, "SUCCESS"), null, "Fixed it", null))
                .startsWith("'Fixed it' is not a resolution code on this instance; use one of: Solution provided, Workaround provided"));
        assertEquals(IncidentOutcome.Action.RESOLVED, incidents.resolve(build(2, "SUCCESS"), null, "Workaround provided", "patched").action());
        assertEquals("Workaround provided", sim.serviceNow().records("incident").get(0).get("close_code"));
    }

    @Test
    void longJobNamesGiveStableShortKeys() {
        BuildContext longJob = new BuildContext("org/" + "very-long-folder-name/".repeat(10) + "job", 1, "", "FAILURE", "", "");
        incidents.raise(longJob, IncidentRequest.defaults());
        incidents.raise(longJob, IncidentRequest.defaults());
        assertEquals(1, stored().size());
        assertEquals(100, stored().get(0).get("correlation_id").length());
        String shortDescription = stored().get(0).get("short_description");
        assertEquals(160, shortDescription.length());
        assertTrue(shortDescription.startsWith("…") && shortDescription.endsWith("/job #1 failed"), shortDescription);
    }

    @Test
    void longJobNamesAreCutBetweenCharactersNotInsideOne() {
        // 200 chars of surrogate pairs: the default short description's cut lands in the middle of one
        BuildContext faces = new BuildContext("😀".repeat(100) + "/job", 1, "", "FAILURE", "", "");
        IncidentOutcome o = incidents.raise(faces, IncidentRequest.defaults());
        assertEquals(IncidentOutcome.Action.CREATED, o.action());
        String shortDescription = stored().get(0).get("short_description");
        assertTrue(shortDescription.startsWith("…😀") && shortDescription.endsWith("/job #1 failed"), shortDescription);
        assertEquals(159, shortDescription.length());
    }

    @Test
    void aRaiseWhoseAnswerIsLostCreatesOneIncident() {
        sim.faults().on("POST", "/api/now/table/incident").times(1).afterProcessing().drop();
        IncidentOutcome o = incidents.raise(build(1, "FAILURE"), IncidentRequest.defaults());
        assertEquals(IncidentOutcome.Action.CREATED, o.action());
        assertEquals(1, stored().size());
        assertEquals(o.sysId(), stored().get(0).get("sys_id"));
    }

    @Test
    void aWorkNoteWhoseAnswerIsLostIsNotAddedTwice() {
        IncidentOutcome first = incidents.raise(build(1, "FAILURE"), IncidentRequest.defaults());
        sim.faults().on("PATCH", "/api/now/table/incident").times(1).afterProcessing().respond(504);
        incidents.raise(build(2, "FAILURE"), IncidentRequest.defaults());
        assertEquals(1, sim.serviceNow().journal("incident", first.sysId(), "work_notes").size());
    }

    @Test
    void twoControllersWithAJobOfTheSameNameKeepTheirOwnIncidentsAndAGivenKeyStaysAsGiven() {
        BuildContext east = new BuildContext("deploy", 1, "https://ci-east.example.com/job/deploy/1/", "FAILURE", "", "", "ci-east.example.com");
        BuildContext west = new BuildContext("deploy", 1, "https://ci-west.example.com/job/deploy/1/", "FAILURE", "", "", "ci-west.example.com");
        IncidentOutcome a = incidents.raise(east, IncidentRequest.defaults());
        IncidentOutcome b = incidents.raise(west, IncidentRequest.defaults());
        assertEquals(IncidentOutcome.Action.CREATED, a.action());
        assertEquals(IncidentOutcome.Action.CREATED, b.action());
        assertEquals("jenkins:ci-east.example.com:deploy", sim.serviceNow().record("incident", a.sysId()).orElseThrow().get("correlation_id"));
        IncidentRequest shared = new IncidentRequest("release-train", null, null, null, null, null, null, null, null, null, null, null);
        IncidentOutcome c = incidents.raise(east, shared);
        IncidentOutcome d = incidents.raise(west, shared);
        assertEquals(IncidentOutcome.Action.UPDATED, d.action());
        assertEquals(c.sysId(), d.sysId());
        assertEquals("release-train", sim.serviceNow().record("incident", c.sysId()).orElseThrow().get("correlation_id"));
    }
}
