package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * One rule for an aborted build: a change {@code serviceNowCreateChange} opened itself is cancelled with a note
 * naming the build, whatever the stage; after the abort nothing else is sent; a change given to
 * {@code serviceNowWaitForApproval} is left alone.
 */
@WithJenkins
class AbortTest {
    private JenkinsRule j;
    private Simulator sim;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        sim = Simulator.start();
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        Sandbox.configure(sim);
    }

    @AfterEach
    void tearDown() {
        sim.close();
    }

    private WorkflowRun start(String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p.scheduleBuild2(0).waitForStart();
    }

    private Map<String, String> theChange() {
        return sim.serviceNow().records("change_request").get(0);
    }

    /** No request at all for three poll intervals: no watch left behind, no late write. */
    private void nothingMoreIsSent() throws InterruptedException {
        int before = sim.requests().all().size();
        Thread.sleep(3_500);
        assertEquals(before, sim.requests().all().size(), "requests after the abort: "
                + sim.requests().all().subList(before, sim.requests().all().size()));
    }

    private void canceledWithANoteNaming(String build) {
        Map<String, String> c = theChange();
        assertEquals("4", c.get("state"), "canceled");
        List<String> notes = sim.serviceNow().journal("change_request", c.get("sys_id"), "work_notes");
        assertTrue(notes.stream().anyMatch(n -> n.contains("Jenkins build " + build + " was aborted")), notes.toString());
    }

    @Test
    void aBuildAbortedWhileItsChangeIsBeingOpenedCancelsItAndSendsNothingElse() throws Exception {
        // ServiceNow creates the change, then takes three seconds to answer: the abort lands in between
        sim.faults().on("POST", "/api/sn_chg_rest/change").afterProcessing().times(1).delay(Duration.ofSeconds(3));
        WorkflowRun r = start("opening", """
                serviceNowCreateChange(shortDescription: 'Deploy', waitForApproval: true, pollIntervalSeconds: 1) { echo 'MUST NOT RUN' }
                """);
        DeliveryTest.eventually(() -> sim.serviceNow().records("change_request").size() == 1, "the change created in ServiceNow");
        r.doStop();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(r));
        DeliveryTest.eventually(() -> "4".equals(theChange().get("state")), "the change canceled");
        canceledWithANoteNaming("opening #1");
        assertEquals("not requested", theChange().get("approval"), "never submitted for approval");
        nothingMoreIsSent();
        j.assertLogNotContains("MUST NOT RUN", r);
    }

    @Test
    void aBlockAbortedWhileItsChangeWaitsForApprovalCancelsIt() throws Exception {
        WorkflowRun r = start("waiting", """
                serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) { echo 'MUST NOT RUN' }
                """);
        j.waitForMessage("ServiceNow: waiting for approval of change", r);
        r.doStop();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(r));
        DeliveryTest.eventually(() -> "4".equals(theChange().get("state")), "the change canceled");
        canceledWithANoteNaming("waiting #1");
        sim.serviceNow().decideApproval(theChange().get("sys_id"), true, "approved too late"); // the sandbox lets approvers do it
        nothingMoreIsSent();
        assertNotEquals("-1", theChange().get("state"), "not moved to Implement after the late approval");
        j.assertLogNotContains("MUST NOT RUN", r);
    }

    @Test
    void theWaitForAChangeTheStepDidNotOpenLeavesItAloneWhenAborted() throws Exception {
        WorkflowJob open = j.createProject(WorkflowJob.class, "open");
        open.setDefinition(new CpsFlowDefinition("serviceNowCreateChange(shortDescription: 'Deploy')", true));
        j.buildAndAssertSuccess(open);
        String number = theChange().get("number");
        WorkflowRun r = start("approver-wait", "serviceNowWaitForApproval(change: '" + number + "', pollIntervalSeconds: 1)");
        j.waitForMessage("ServiceNow: waiting for approval of change", r);
        r.doStop();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(r));
        nothingMoreIsSent();
        assertEquals("-4", theChange().get("state"), "still in Assess, awaiting its approvers");
        assertEquals("requested", theChange().get("approval"));
    }
}
