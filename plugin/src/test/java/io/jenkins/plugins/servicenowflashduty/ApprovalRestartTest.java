package io.jenkins.plugins.servicenowflashduty;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsSessionRule;

/** A build waiting for approval survives a controller restart, holding no executor, and carries on with the deployment. */
public class ApprovalRestartTest {
    @Rule
    public JenkinsSessionRule sessions = new JenkinsSessionRule();

    private Simulator sim;

    @Before
    public void startSimulator() {
        sim = Simulator.start();
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
    }

    @After
    public void stopSimulator() {
        sim.close();
    }

    @Test
    public void theWaitResumesAfterARestartAndTheBlockRuns() throws Throwable {
        sessions.then(j -> {
            Sandbox.configure(sim);
            WorkflowJob p = j.createProject(WorkflowJob.class, "release");
            p.setDefinition(new CpsFlowDefinition("""
                    serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) {
                      echo "deploying ${env.SERVICENOW_CHANGE_NUMBER}"
                    }
                    """, true));
            WorkflowRun r = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("ServiceNow: waiting for approval of change", r);
            j.waitForMessage(" is Assess", r); // a first approval event on the page, to outlive the restart
            assertEquals(0, j.jenkins.toComputer().countBusy()); // no executor held while waiting
        });
        sessions.then(j -> {
            WorkflowRun r = j.jenkins.getItemByFullName("release", WorkflowJob.class).getBuildByNumber(1);
            Map<String, String> c = sim.serviceNow().records("change_request").get(0);
            sim.serviceNow().decideApproval(c.get("sys_id"), true, "approved after the restart");
            j.assertBuildStatusSuccess(j.waitForCompletion(r));
            j.assertLogContains("deploying " + c.get("number"), r);
            List<String> timeline = r.getAction(io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction.class).getTickets().get(0)
                    .getTimeline();
            assertTrue("the events before and after the restart: " + timeline, timeline.size() >= 2);
            assertTrue(timeline.toString(), timeline.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC Assess.*"));
            assertEquals("3", sim.serviceNow().records("change_request").get(0).get("state"));
        });
    }

    @Test
    public void theWaitForTheWindowResumesAfterARestart() throws Throwable {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(20);
        sessions.then(j -> {
            Sandbox.configure(sim);
            WorkflowJob p = j.createProject(WorkflowJob.class, "windowed");
            p.setDefinition(new CpsFlowDefinition("""
                    serviceNowCreateChange(plannedStart: '%s', plannedDurationMinutes: 60, waitForApproval: true, waitForWindow: true,
                                           pollIntervalSeconds: 1) {
                      echo "deploying ${env.SERVICENOW_CHANGE_NUMBER}"
                    }
                    """.formatted(start), true));
            WorkflowRun r = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("waiting for its planned window", r);
            assertEquals(0, j.jenkins.toComputer().countBusy());
        });
        sessions.then(j -> {
            WorkflowRun r = j.jenkins.getItemByFullName("windowed", WorkflowJob.class).getBuildByNumber(1);
            j.assertBuildStatusSuccess(j.waitForCompletion(r));
            assertTrue("the block ran inside the window", Instant.now().isAfter(start));
            j.assertLogContains("is open (", r);
            Map<String, String> c = sim.serviceNow().records("change_request").get(0);
            j.assertLogContains("deploying " + c.get("number"), r);
            assertEquals("3", c.get("state"));
        });
    }

    @Test
    public void aRestartWhileTheChangeIsClosedWritesTheEvidenceOnce() throws Throwable {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        sessions.then(j -> {
            Sandbox.configure(sim);
            WorkflowJob p = j.createProject(WorkflowJob.class, "closing");
            p.setDefinition(new CpsFlowDefinition("""
                    serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) {
                      echo 'DEPLOYING'
                      sleep 2
                    }
                    """, true));
            WorkflowRun r = p.scheduleBuild2(0).waitForStart();
            j.waitForMessage("DEPLOYING", r);
            // the evidence reaches ServiceNow, and its answer is lost in the restart
            sim.faults().on("PATCH", "/api/now/table/change_request/").times(1).afterProcessing().delay(Duration.ofSeconds(90));
            Map<String, String> c = sim.serviceNow().records("change_request").get(0);
            long until = System.currentTimeMillis() + 30_000;
            while (evidenceNotes(c).isEmpty() && System.currentTimeMillis() < until) {
                Thread.sleep(100);
            }
            assertEquals(1, evidenceNotes(c).size());
        });
        sessions.then(j -> {
            WorkflowRun r = j.jenkins.getItemByFullName("closing", WorkflowJob.class).getBuildByNumber(1);
            j.assertBuildStatusSuccess(j.waitForCompletion(r));
            Map<String, String> c = sim.serviceNow().records("change_request").get(0);
            assertEquals("3", c.get("state"));
            assertEquals("found after the restart, not written again", 1, evidenceNotes(c).size());
        });
    }

    private List<String> evidenceNotes(Map<String, String> change) {
        return sim.serviceNow().journal("change_request", change.get("sys_id"), "work_notes").stream()
                .filter(n -> n.startsWith("Deployment evidence from Jenkins build")).toList();
    }
}
