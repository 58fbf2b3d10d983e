package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.delivery.Deliveries;
import io.jenkins.plugins.servicenowflashduty.delivery.DeliveryMonitor;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.FailureBuilder;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Waits that survive refused and rotated credentials, a queue that survives its disk, and pages that stay right. */
@WithJenkins
class ReliabilityTest {
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

    private List<WorkflowRun> waiting(int builds) throws Exception {
        List<WorkflowRun> runs = new ArrayList<>();
        for (int i = 1; i <= builds; i++) {
            WorkflowJob p = j.createProject(WorkflowJob.class, "deploy-" + i);
            p.setDefinition(new CpsFlowDefinition("""
                    serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) { echo "deployed under ${env.SERVICENOW_CHANGE_NUMBER}" }
                    """, true));
            runs.add(p.scheduleBuild2(0).waitForStart());
        }
        for (WorkflowRun r : runs) {
            j.waitForMessage("ServiceNow: waiting for approval of change", r);
        }
        return runs;
    }

    private void approveAll() {
        for (Map<String, String> c : sim.serviceNow().records("change_request")) {
            sim.serviceNow().decideApproval(c.get("sys_id"), true, "approved");
        }
    }

    @Test
    void waitingBuildsFollowARotatedPasswordAndResumeAfterApproval() throws Exception {
        List<WorkflowRun> runs = waiting(3);
        // the administrator rotates the password in ServiceNow, then in Jenkins
        sim.serviceNow().setPassword("jenkins", "rotated-2026-12");
        Thread.sleep(1_500); // a poll or two with the old password
        List<Credentials> all = SystemCredentialsProvider.getInstance().getCredentials();
        all.removeIf(c -> c instanceof IdCredentials id && id.getId().equals("sn"));
        all.add(new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "sn", "sandbox", "jenkins", "rotated-2026-12"));
        SystemCredentialsProvider.getInstance().save();
        approveAll();
        for (WorkflowRun r : runs) {
            j.assertBuildStatusSuccess(j.waitForCompletion(r));
            j.assertLogContains("deployed under CHG", r);
        }
    }

    @Test
    void credentialsRefusedForAMomentDoNotEndTheWaits() throws Exception {
        List<WorkflowRun> runs = waiting(2);
        sim.faults().on("GET", "/api/now/table/change_request").times(3).respond(401);
        Thread.sleep(2_500);
        approveAll();
        for (WorkflowRun r : runs) {
            j.assertBuildStatusSuccess(j.waitForCompletion(r));
        }
        boolean told = false;
        for (WorkflowRun r : runs) {
            told |= JenkinsRule.getLog(r).contains("trying again every poll for up to 10 minutes.");
        }
        assertTrue(told, "a console line says the credentials were refused and the wait goes on");
    }

    @Test
    void aDurableIncidentDeliveredBeforeTheBuildEndsIsNotRaisedAgainByTheRule() throws Exception {
        ServiceNowConfiguration.get().setIncidentOnFailure(new IncidentOnFailure());
        WorkflowJob p = j.createProject(WorkflowJob.class, "self-reporting");
        p.setDefinition(new CpsFlowDefinition("""
                serviceNowIncident(durable: true, shortDescription: 'deploy failed')
                sleep 3 // the queue delivers it meanwhile
                error 'boom'
                """, true));
        WorkflowRun r = j.buildAndAssertStatus(Result.FAILURE, p);
        assertEquals(List.of("created"), r.getAction(io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction.class)
                .getTickets().get(0).getActions(), "delivered before the build ended");
        Thread.sleep(2_000); // the rule runs after completion: give it the chance to raise (wrongly) again
        DeliveryTest.eventually(() -> Deliveries.get().pending().isEmpty(), "nothing left to deliver");
        assertEquals(1, sim.serviceNow().records("incident").size());
        String sysId = sim.serviceNow().records("incident").get(0).get("sys_id");
        assertEquals(List.of(), sim.serviceNow().journal("incident", sysId, "work_notes"), "no 'Failed again' note from the rule");
    }

    @Test
    void aQueueDirectoryThatCannotBeWrittenFailsADurableStepWithOneSentenceAndShowsOnTheMonitor() throws Exception {
        Deliveries.get().pending(); // the queue is open
        Path queue = j.jenkins.getRootDir().toPath().resolve("servicenow-flashduty-deliveries");
        try (Stream<Path> files = Files.list(queue)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(queue);
        Files.writeString(queue, "a full disk, as far as the queue can tell"); // root ignores permissions
        WorkflowJob p = j.createProject(WorkflowJob.class, "durable");
        p.setDefinition(new CpsFlowDefinition("serviceNowIncident(durable: true)", true));
        WorkflowRun r = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("The delivery queue cannot be written (a full disk or a read-only directory), so raise the incident", r);
        j.assertLogNotContains("\tat ", r);
        j.assertLogNotContains(queue.toString(), r);
        assertTrue(j.jenkins.getExtensionList(DeliveryMonitor.class).get(0).isActivated());
        String manage = j.createWebClient().goTo("manage/").asNormalizedText();
        assertTrue(manage.contains("Could not write the delivery queue in"), manage);

        ServiceNowConfiguration.get().setIncidentOnFailure(new IncidentOnFailure());
        FreeStyleProject nightly = j.createFreeStyleProject("nightly");
        nightly.getBuildersList().add(new FailureBuilder());
        j.assertLogContains("ServiceNow: the admin-wide incident change for nightly #1 was not queued.",
                j.buildAndAssertStatus(Result.FAILURE, nightly));
    }
}
