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
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.util.List;
import java.util.Map;
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
}
