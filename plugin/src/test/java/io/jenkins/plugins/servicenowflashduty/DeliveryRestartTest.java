package io.jenkins.plugins.servicenowflashduty;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Result;
import io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.delivery.Delivery;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.delivery.Deliveries;
import io.jenkins.plugins.servicenowflashduty.delivery.DeliveryMonitor;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.FileUtils;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.FailureBuilder;
import org.jvnet.hudson.test.JenkinsSessionRule;

/** What could not be delivered before a controller restart goes out after it: once, raise before resolve. */
public class DeliveryRestartTest {
    @Rule
    public JenkinsSessionRule sessions = new JenkinsSessionRule();

    private Simulator sim;

    @Before
    public void startSimulator() {
        sim = Simulator.start();
    }

    @After
    public void stopSimulator() {
        sim.close();
    }

    @Test
    public void aRaiseAndItsResolveQueuedDuringAnOutageAreDeliveredInOrderAfterARestart() throws Throwable {
        sessions.then(j -> {
            Sandbox.configure(sim);
            ServiceNowConfiguration.get().setIncidentOnFailure(new IncidentOnFailure());
            sim.faults().on("*", "/api/now").respond(503);
            FreeStyleProject p = j.createFreeStyleProject("nightly");
            p.getBuildersList().add(new FailureBuilder());
            j.buildAndAssertStatus(Result.FAILURE, p);
            p.getBuildersList().clear();
            j.buildAndAssertSuccess(p);
            DeliveryTest.eventually(() -> Deliveries.get().pending().size() == 2
                    && Deliveries.get().pending().get(0).attempts() >= 1, "both queued, the raise attempted");
            assertEquals(0, Deliveries.get().pending().get(1).attempts()); // the resolve waits behind its raise
        });
        sessions.then(j -> {
            List<Delivery> loaded = Deliveries.get().pending();
            assertEquals(List.of(QueuedWrites.RAISE, QueuedWrites.RESOLVE), loaded.stream().map(Delivery::kind).toList());
            assertTrue(sim.serviceNow().records("incident").isEmpty());
            sim.faults().clear();
            Deliveries.get().retry(loaded.get(0).id()); // rather than wait out the backoff
            DeliveryTest.eventually(() -> Deliveries.get().pending().isEmpty(), "both delivered");
            List<Map<String, String>> incidents = sim.serviceNow().records("incident");
            assertEquals(1, incidents.size());
            assertEquals("6", incidents.get(0).get("state"));
            FreeStyleProject p = j.jenkins.getItemByFullName("nightly", FreeStyleProject.class);
            assertEquals(List.of("created (admin-wide)"),
                    p.getBuildByNumber(1).getAction(TicketsAction.class).getTickets().get(0).getActionLabels());
            assertEquals(List.of("resolved (admin-wide)"),
                    p.getBuildByNumber(2).getAction(TicketsAction.class).getTickets().get(0).getActionLabels());
        });
    }

    @Test
    public void aQueueDirectoryThatCannotBeOpenedNeverStopsTheControllerFromStarting() throws Throwable {
        sessions.then(j -> {
            Sandbox.configure(sim);
            Path queue = j.jenkins.getRootDir().toPath().resolve("servicenow-flashduty-deliveries");
            FileUtils.deleteDirectory(queue.toFile());
            Files.writeString(queue, "restored from a bad backup");
        });
        sessions.then(j -> {
            // the controller is up: the queue's initializer is not fatal
            assertTrue(j.jenkins.getExtensionList(DeliveryMonitor.class).get(0).isActivated());
            String manage = j.createWebClient().goTo("manage/").asNormalizedText();
            assertTrue(manage, manage.contains("Cannot open the delivery queue in"));
            WorkflowJob p = j.createProject(WorkflowJob.class, "durable");
            p.setDefinition(new CpsFlowDefinition("serviceNowIncident(durable: true)", true));
            j.assertLogContains("The delivery queue cannot be written", j.buildAndAssertStatus(Result.FAILURE, p));
            FreeStyleProject nightly = j.createFreeStyleProject("nightly");
            nightly.getBuildersList().add(new FailureBuilder());
            ServiceNowConfiguration.get().setIncidentOnFailure(new IncidentOnFailure());
            j.buildAndAssertStatus(Result.FAILURE, nightly); // a completed build's listener does not break on it either
        });
    }
}
