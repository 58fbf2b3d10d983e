package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.Result;
import hudson.util.Secret;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Change;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Deployments on Flashduty's change history: from a change block, from flashdutyDeployment, durable, and with Flashduty down. */
@WithJenkins
class DeploymentEventsTest extends SandboxedJenkinsTest {
    @BeforeEach
    void setUp() throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.SYSTEM, "fd-changes",
                "change push URL", Secret.fromString(sim.baseUrl() + "/event/push/change/standard?integration_key="
                + FlashdutySimulator.CHANGE_INTEGRATION_KEY)));
        SystemCredentialsProvider.getInstance().save();
        FlashdutyConfiguration.get().setChangeEventsCredentialsId("fd-changes");
        FlashdutyConfiguration.get().setChangeEventLabels("team=payments");
    }

    private WorkflowRun run(String script, Result expected) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "deploy-" + j.jenkins.getItems().size());
        p.setDefinition(new CpsFlowDefinition(script, true));
        return j.assertBuildStatus(expected, p.scheduleBuild2(0));
    }

    /** Events go out after the step's path; waits until the change's last event has the status. */
    private Change awaitChange(String status) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(until)) {
            List<Change> all = sim.flashduty().changes();
            if (all.size() == 1 && all.get(0).status().equals(status)) {
                return all.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no change ending " + status + ": " + sim.flashduty().changes().stream().map(c -> c.changeKey() + " "
                + c.events().stream().map(e -> e.status()).toList()).toList());
    }

    @Test
    void aChangeBlockIsPlannedReadyProcessingAndDone() throws Exception {
        WorkflowRun r = run("""
                serviceNowCreateChange(shortDescription: 'Deploy payments 2.1', waitForApproval: true, pollIntervalSeconds: 1) {
                  echo 'DEPLOYING'
                }
                """, Result.SUCCESS);
        Change c = awaitChange("Done");
        String number = sim.serviceNow().records("change_request").get(0).get("number");
        assertEquals(number, c.changeKey());
        assertEquals(List.of("Planned", "Ready", "Processing", "Done"), c.events().stream().map(e -> e.status()).toList());
        var done = c.events().get(3);
        assertEquals("Deploy payments 2.1", done.title());
        assertEquals(j.getURL() + r.getUrl(), done.link());
        assertEquals("successful", done.labels().get("result"));
        assertEquals("payments", done.labels().get("team"));
        assertEquals(r.getParent().getFullName(), done.labels().get("job"));
        assertEquals("1", done.labels().get("build"));
    }

    @Test
    void aFailedDeploymentIsDoneUnsuccessfulWithItsError() throws Exception {
        run("serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) { error 'health check timed out' }", Result.FAILURE);
        var done = awaitChange("Done").events().get(3);
        assertEquals("unsuccessful", done.labels().get("result"));
        assertTrue(done.description().contains("health check timed out"), done.description());
    }

    @Test
    void aRefusedDeploymentIsCanceled() throws Exception {
        sim.serviceNow().schedules().addSchedule("blackout", "Freeze", Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86_400), List.of());
        run("serviceNowCreateChange(plannedDurationMinutes: 30, checkConflicts: true) { echo 'DEPLOYING' }", Result.FAILURE);
        Change c = awaitChange("Canceled");
        assertEquals(List.of("Planned", "Canceled"), c.events().stream().map(e -> e.status()).toList());
        assertEquals("refused", c.events().get(1).labels().get("result"));
    }

    @Test
    void flashdutyDownCostsAConsoleLineNotTheDeployment() throws Exception {
        sim.faults().on("POST", "/event/push/change/standard").respond(503);
        WorkflowRun r = run("""
                flashdutyDeployment(title: 'Deploy web', labels: [env: 'prod']) { echo 'DEPLOYING' }
                """, Result.SUCCESS);
        j.assertLogContains("DEPLOYING", r);
        j.assertLogContains("Flashduty: could not record jenkins:" + r.getParent().getFullName() + "#1 as Processing on Flashduty (the deployment goes on)", r);
        j.assertLogContains("Flashduty: could not record jenkins:" + r.getParent().getFullName() + "#1 as Done on Flashduty (the deployment goes on)", r);
        assertEquals(0, sim.flashduty().changes().size());
    }

    @Test
    void aDeploymentDoesNotWaitForAnEventThatFlashdutysRateHoldsBack() throws Exception {
        // Flashduty refuses the first event and asks for 30 s: the next one waits for its turn, and the build does not
        sim.faults().on("POST", "/event/push/change/standard").times(1).retryAfter(30).respond(429);
        long started = System.nanoTime();
        WorkflowRun r = run("flashdutyDeployment(title: 'Deploy web') { echo 'DEPLOYING' }", Result.SUCCESS);
        long took = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        assertTrue(took < 20, "the build ended in " + took + " s, without waiting for the 30 s");
        String key = "jenkins:" + r.getParent().getFullName() + "#1";
        j.assertLogContains("Flashduty: could not record " + key + " as Processing on Flashduty (the deployment goes on)", r);
        j.assertLogContains("Flashduty: the change events of " + key + " are still on their way", r);
        Instant until = Instant.now().plus(Duration.ofSeconds(60));
        while (sim.flashduty().changes().isEmpty() && Instant.now().isBefore(until)) {
            Thread.sleep(200);
        }
        assertEquals(List.of("Done"), sim.flashduty().changes().get(0).events().stream().map(e -> e.status()).toList(),
                "the Done event went on after the build and arrived");
    }

    @Test
    void aPushUrlThatIsNotOneCostsAConsoleLineWithoutTheUrl() throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.SYSTEM, "fd-bad",
                "not a push URL", Secret.fromString("/event/push/change/standard?integration_key=k3y-in-the-url")));
        SystemCredentialsProvider.getInstance().save();
        FlashdutyConfiguration.get().setChangeEventsCredentialsId("fd-bad");
        WorkflowRun r = run("flashdutyDeployment(title: 'Deploy web') { echo 'DEPLOYING' }", Result.SUCCESS);
        j.assertLogContains("DEPLOYING", r);
        j.assertLogContains("Flashduty: could not record jenkins:" + r.getParent().getFullName() + "#1 as Processing on Flashduty (the deployment goes on): ", r);
        j.assertLogNotContains("k3y-in-the-url", r);
        assertEquals(0, sim.flashduty().changes().size());
    }

    @Test
    void aDeploymentWithoutServiceNowIsProcessingThenDone() throws Exception {
        WorkflowRun r = run("flashdutyDeployment(title: 'Deploy web', labels: [env: 'prod']) { echo 'DEPLOYING' }", Result.SUCCESS);
        Change c = awaitChange("Done");
        assertEquals("jenkins:" + r.getParent().getFullName() + "#1", c.changeKey());
        assertEquals(List.of("Processing", "Done"), c.events().stream().map(e -> e.status()).toList());
        assertEquals(Map.of("job", r.getParent().getFullName(), "build", "1", "source", "jenkins", "result", "successful", "env", "prod",
                "team", "payments"), withoutEmpty(c.events().get(1).labels()));
    }

    @Test
    void durableEventsArriveInOrderThroughTheDeliveryQueue() throws Exception {
        run("serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1, durableChangeEvents: true) { echo 'DEPLOYING' }",
                Result.SUCCESS);
        assertEquals(List.of("Planned", "Ready", "Processing", "Done"), awaitChange("Done").events().stream().map(e -> e.status()).toList());
    }

    private static Map<String, String> withoutEmpty(Map<String, String> labels) {
        Map<String, String> out = new java.util.LinkedHashMap<>(labels);
        out.values().removeIf(String::isEmpty);
        return out;
    }
}
