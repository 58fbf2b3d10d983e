package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Result;
import io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure;
import io.jenkins.plugins.servicenowflashduty.automation.OptOutProperty;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.FailureBuilder;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Admin-wide incidents for jobs nobody edits: raised on failure, resolved on recovery, after the build completes. */
@WithJenkins
class AutomationTest {
    private JenkinsRule j;
    private Simulator sim;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        sim = Simulator.start();
        Sandbox.configure(sim);
        IncidentOnFailure onFailure = new IncidentOnFailure();
        onFailure.setExcludes("sandbox-.*");
        onFailure.setUrgency("1");
        ServiceNowConfiguration.get().setIncidentOnFailure(onFailure);
    }

    @AfterEach
    void tearDown() {
        sim.close();
    }

    private List<Map<String, String>> incidents() {
        return sim.serviceNow().records("incident");
    }

    /** The incident is raised after the build completes, on another thread: wait for it, boundedly. */
    private static void eventually(Supplier<Boolean> condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aFreestyleJobThatFailsAndRecoversGetsOneIncidentThenItsResolution() throws Exception {
        FreeStyleProject p = j.createFreeStyleProject("nightly");
        p.getBuildersList().add(new FailureBuilder());
        j.buildAndAssertStatus(Result.FAILURE, p);
        eventually(() -> incidents().size() == 1, "one incident");
        j.buildAndAssertStatus(Result.FAILURE, p);
        Map<String, String> inc = incidents().get(0);
        eventually(() -> sim.serviceNow().journal("incident", inc.get("sys_id"), "work_notes").size() == 1, "a work note for the second failure");
        assertEquals(1, incidents().size());
        assertEquals("1", inc.get("urgency"));
        assertTrue(inc.get("correlation_id").endsWith(":nightly"), inc.get("correlation_id"));

        p.getBuildersList().clear();
        j.buildAndAssertSuccess(p);
        eventually(() -> "6".equals(sim.serviceNow().record("incident", inc.get("sys_id")).orElseThrow().get("state")), "resolved");
    }

    @Test
    void aPipelineThatRaisesItselfEndsWithOneIncidentAndOptedOutOrExcludedJobsWithNone() throws Exception {
        WorkflowJob self = j.createProject(WorkflowJob.class, "self-reporting");
        self.setDefinition(new CpsFlowDefinition("""
                pipeline {
                  agent none
                  stages { stage('Build') { steps { error 'compile error' } } }
                  post { failure { serviceNowIncident() } }
                }""", true));
        j.buildAndAssertStatus(Result.FAILURE, self);
        Thread.sleep(1000); // the listener runs after completion; give it the chance to do (wrongly) more
        assertEquals(1, incidents().size());
        assertEquals(0, sim.serviceNow().journal("incident", incidents().get(0).get("sys_id"), "work_notes").size());

        WorkflowJob quiet = j.createProject(WorkflowJob.class, "quiet");
        quiet.setDefinition(new CpsFlowDefinition("error 'boom'", true));
        quiet.addProperty(new OptOutProperty());
        j.buildAndAssertStatus(Result.FAILURE, quiet);
        FreeStyleProject excluded = j.createFreeStyleProject("sandbox-experiments");
        excluded.getBuildersList().add(new FailureBuilder());
        j.buildAndAssertStatus(Result.FAILURE, excluded);
        Thread.sleep(1000);
        assertEquals(1, incidents().size());
    }

    @Test
    void aFailingJobAlertsFlashdutyWithItsIncidentAndRecoversItWhenGreen() throws Exception {
        io.jenkins.plugins.servicenowflashduty.automation.AlertOnFailure alerting = new io.jenkins.plugins.servicenowflashduty.automation.AlertOnFailure();
        alerting.setLabels("team=web\nservice=checkout");
        io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration.get().setAlertOnFailure(alerting);
        FreeStyleProject p = j.createFreeStyleProject("checkout-nightly");
        p.getBuildersList().add(new FailureBuilder());
        j.buildAndAssertStatus(Result.FAILURE, p);
        eventually(() -> sim.flashduty().alerts().size() == 1, "an alert");
        io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Alert alert = sim.flashduty().alerts().get(0);
        assertEquals("web", alert.events().get(0).labels().get("team"));
        assertTrue(alert.alertKey().endsWith(":checkout-nightly"), alert.alertKey());
        // recorded on the build right after Flashduty answered
        eventually(() -> p.getBuildByNumber(1).getAction(io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction.class) != null,
                "the alert on the build page");
        io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry shown = p.getBuildByNumber(1)
                .getAction(io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction.class).getTickets().get(0);
        assertEquals("Critical", shown.getState(), "the build page shows Flashduty's own word");
        p.getBuildersList().clear();
        j.buildAndAssertSuccess(p);
        eventually(() -> sim.flashduty().alerts().get(0).recovered(), "recovered");

        WorkflowJob self = j.createProject(WorkflowJob.class, "self-alerting");
        self.setDefinition(new CpsFlowDefinition("flashdutyNotify status: 'Critical', title: 'by the Jenkinsfile'", true));
        j.buildAndAssertSuccess(self);
        Thread.sleep(1000);
        assertEquals(1, sim.flashduty().alerts().stream().filter(a -> a.alertKey().endsWith(":self-alerting")).findFirst().orElseThrow()
                .events().size()); // the rule did not add a second event
    }
}
