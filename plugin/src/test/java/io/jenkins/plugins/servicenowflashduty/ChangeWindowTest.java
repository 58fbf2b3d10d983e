package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** serviceNowCreateChange with a planned window: conflicts, blackouts, emergencies, waiting for the window, first available. */
@WithJenkins
class ChangeWindowTest extends SandboxedJenkinsTest {
    private Instant now;

    @BeforeEach
    void setUp() throws Exception {
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private WorkflowRun run(String script, Result expected) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "deploy-" + j.jenkins.getItems().size());
        p.setDefinition(new CpsFlowDefinition(script, true));
        return j.assertBuildStatus(expected, p.scheduleBuild2(0));
    }

    private Map<String, String> theChange() {
        List<Map<String, String>> all = sim.serviceNow().records("change_request");
        assertEquals(1, all.size());
        return all.get(0);
    }

    private void blackout(String name, Instant start, Instant end) {
        sim.serviceNow().schedules().addSchedule("blackout", name, start, end, List.of());
    }

    @Test
    void aBlackoutRefusesTheDeploymentAndCancelsTheChange() throws Exception {
        Instant end = now.plus(Duration.ofDays(2));
        blackout("Year-end freeze", now.minus(Duration.ofHours(1)), end);
        WorkflowRun r = run("""
                serviceNowCreateChange(configurationItem: 'web-frontend', plannedDurationMinutes: 60, checkConflicts: true) {
                  echo 'DEPLOYING'
                }
                """, Result.FAILURE);
        Map<String, String> c = theChange();
        j.assertLogContains("ERROR: Change " + c.get("number") + " falls in the blackout 'Year-end freeze' until ", r);
        j.assertLogNotContains("DEPLOYING", r);
        assertEquals("4", c.get("state"), "the change that will not be carried out is canceled");
        assertTrue(sim.serviceNow().journal("change_request", c.get("sys_id"), "work_notes").get(0).contains("did not deploy: Change "));
        List<String> timeline = r.getAction(TicketsAction.class).getTickets().get(0).getTimeline();
        assertTrue(timeline.stream().anyMatch(e -> e.contains("conflict check: blackout 'Year-end freeze'")), timeline.toString());
    }

    @Test
    void anEmergencyChangeGoesAheadInABlackoutAndSaysSo() throws Exception {
        blackout("Freeze", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        WorkflowRun r = run("""
                serviceNowCreateChange(type: 'emergency', configurationItem: 'web-frontend', plannedDurationMinutes: 30, checkConflicts: true) {
                  echo 'DEPLOYING'
                }
                """, Result.SUCCESS);
        j.assertLogContains("conflicts: blackout 'Freeze'", r);
        j.assertLogContains("is an emergency change, so the deployment goes ahead in the blackout", r);
        j.assertLogContains("DEPLOYING", r);
        assertEquals("3", theChange().get("state"));
    }

    @Test
    void otherConflictsArePrintedAndRefuseOnlyWithFailOnConflict() throws Exception {
        Map<String, String> other = sim.serviceNow().insert("change_request", Map.of("short_description", "DB upgrade", "type", "normal",
                "cmdb_ci", sim.serviceNow().query("cmdb_ci", "name=payments-api").get(0).get("sys_id"),
                "start_date", "2020-01-01 00:00:00", "end_date", "2099-01-01 00:00:00"));
        sim.serviceNow().overwrite("change_request", other.get("sys_id"), Map.of("state", "-2", "approval", "approved")); // scheduled elsewhere
        String script = """
                serviceNowCreateChange(configurationItem: 'payments-api', plannedDurationMinutes: 30, checkConflicts: true%s) {
                  echo 'DEPLOYING'
                }
                """;
        WorkflowRun ok = run(script.formatted(""), Result.SUCCESS);
        j.assertLogContains("conflicts: CI Already Scheduled (CHG0030001) on payments-api", ok);
        j.assertLogContains("DEPLOYING", ok);
        WorkflowRun refused = run(script.formatted(", failOnConflict: true"), Result.FAILURE);
        j.assertLogContains("has conflicts: CI Already Scheduled (CHG0030001) on payments-api. failOnConflict is set", refused);
        j.assertLogNotContains("DEPLOYING", refused);
    }

    @Test
    void withoutConflictDetectionTheStepSaysSoInOneSentence() throws Exception {
        sim.serviceNow().schedules().setConflictPluginInstalled(false);
        WorkflowRun r = run("serviceNowCreateChange(plannedDurationMinutes: 30, checkConflicts: true) { echo 'DEPLOYING' }", Result.FAILURE);
        j.assertLogContains("has no change conflict detection (the Change Management API with the change conflict plugin)", r);
        j.assertLogNotContains("DEPLOYING", r);
        j.assertLogNotContains("\tat ", r);
    }

    @Test
    void badWindowParametersEndInOneSentenceBeforeAnythingIsSent() throws Exception {
        WorkflowRun r = run("serviceNowCreateChange(checkConflicts: true) { echo 'DEPLOYING' }", Result.FAILURE);
        j.assertLogContains("checkConflicts: true needs a planned window", r);
        r = run("serviceNowCreateChange(failOnConflict: true, plannedDurationMinutes: 5) { echo 'DEPLOYING' }", Result.FAILURE);
        j.assertLogContains("failOnConflict: true needs checkConflicts: true", r);
        r = run("serviceNowCreateChange(plannedEnd: '2030-01-01 00:00:00', plannedDurationMinutes: 5) { echo 'DEPLOYING' }", Result.FAILURE);
        j.assertLogContains("Give either a planned end or a planned duration, not both.", r);
        assertTrue(sim.serviceNow().records("change_request").isEmpty());
    }

    @Test
    void theBlockWaitsForThePlannedStartWithoutAnExecutor() throws Exception {
        Instant start = now.plusSeconds(6);
        WorkflowJob p = j.createProject(WorkflowJob.class, "windowed");
        p.setDefinition(new CpsFlowDefinition("""
                serviceNowCreateChange(plannedStart: '%s', plannedEnd: '%s', waitForApproval: true, waitForWindow: true, pollIntervalSeconds: 1) {
                  echo "DEPLOYING at ${System.currentTimeMillis()}"
                }
                """.formatted(start, start.plus(Duration.ofHours(1))), false));
        WorkflowRun r = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("waiting for its planned window", r);
        assertEquals(0, j.jenkins.toComputer().countBusy(), "no executor held while waiting for the window");
        j.assertBuildStatusSuccess(j.waitForCompletion(r));
        String log = JenkinsRule.getLog(r);
        long deployedAt = Long.parseLong(log.replaceAll("(?s).*DEPLOYING at (\\d+).*", "$1"));
        assertTrue(deployedAt >= start.toEpochMilli(), "the block started at " + Instant.ofEpochMilli(deployedAt) + ", before " + start);
        j.assertLogContains("is open (", r);
        List<String> timeline = r.getAction(TicketsAction.class).getTickets().get(0).getTimeline();
        assertTrue(timeline.stream().anyMatch(e -> e.contains("waiting for the window")), timeline.toString());
        assertTrue(timeline.stream().anyMatch(e -> e.contains("window open after waiting")), timeline.toString());
        assertEquals("3", theChange().get("state"));
    }

    @Test
    void aChangeCanceledInServiceNowDuringTheWaitIsNotDeployed() throws Exception {
        // canceled by a person: the approval field stays "approved", only the state says it is over
        WorkflowRun r = movedOnWhileWaiting("canceled-while-waiting", "4");
        j.assertLogContains("Change " + theChange().get("number")
                + " was Canceled in ServiceNow while the deployment waited for its window; the deployment does not run.", r);
        j.assertLogNotContains("DEPLOYING", r);
        assertEquals("4", theChange().get("state"));
        j.assertLogNotContains("\tat ", r);
    }

    @Test
    void aChangeMovedToReviewDuringTheWaitIsNotDeployed() throws Exception {
        WorkflowRun r = movedOnWhileWaiting("reviewed-while-waiting", "0");
        j.assertLogContains("Change " + theChange().get("number")
                + " was Review in ServiceNow while the deployment waited for its window; the deployment does not run.", r);
        j.assertLogNotContains("DEPLOYING", r);
        assertEquals("0", theChange().get("state"), "a change someone else moved on is left where they put it");
    }

    /** A deployment waits for its window; meanwhile someone moves its change to that state in ServiceNow. */
    private WorkflowRun movedOnWhileWaiting(String job, String state) throws Exception {
        Instant start = now.plusSeconds(6);
        WorkflowJob p = j.createProject(WorkflowJob.class, job);
        p.setDefinition(new CpsFlowDefinition("""
                serviceNowCreateChange(plannedStart: '%s', plannedEnd: '%s', waitForApproval: true, waitForWindow: true, pollIntervalSeconds: 1) {
                  echo 'DEPLOYING'
                }
                """.formatted(start, start.plus(Duration.ofHours(1))), true));
        WorkflowRun r = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("waiting for its planned window", r);
        sim.serviceNow().overwrite("change_request", theChange().get("sys_id"), Map.of("state", state));
        return j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(r));
    }

    @Test
    void aWindowAlreadyOverRefusesTheDeployment() throws Exception {
        WorkflowRun r = run("""
                serviceNowCreateChange(plannedStart: '%s', plannedEnd: '%s', waitForWindow: true) { echo 'DEPLOYING' }
                """.formatted(now.minus(Duration.ofHours(2)), now.minus(Duration.ofHours(1))), Result.FAILURE);
        Map<String, String> c = theChange();
        j.assertLogContains("The planned window of change " + c.get("number") + " (", r);
        j.assertLogContains(") is over; the deployment did not start.", r);
        j.assertLogNotContains("DEPLOYING", r);
        assertEquals("4", c.get("state"));
    }

    @Test
    void firstAvailableMovesTheChangePastTheBlackoutAndWaitsForIt() throws Exception {
        Instant blackoutEnd = now.plusSeconds(5);
        blackout("Short freeze", now.minus(Duration.ofHours(1)), blackoutEnd);
        WorkflowRun r = run("""
                serviceNowCreateChange(configurationItem: 'web-frontend', plannedDurationMinutes: 30, scheduleFirstAvailable: true, checkConflicts: true) {
                  echo 'DEPLOYING'
                }
                """, Result.SUCCESS);
        j.assertLogContains("into its first available slot: ", r);
        j.assertLogContains("has no conflicts in its window", r);
        Map<String, String> c = theChange();
        assertEquals(blackoutEnd.toString().replace("T", " ").replace("Z", ""), c.get("start_date"));
        j.assertLogContains("DEPLOYING", r);
        j.assertLogNotContains("falls in the blackout", r);
    }
}
