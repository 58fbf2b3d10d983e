package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.hudson.plugins.folder.Folder;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import io.jenkins.plugins.servicenowflashduty.automation.FolderOptOutProperty;
import io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.delivery.Delivery;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.delivery.Deliveries;
import io.jenkins.plugins.servicenowflashduty.delivery.DeliveryMonitor;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.FailureBuilder;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The delivery queue in a controller: outages waited out, the monitor, the page and its buttons, durable steps, folder opt-out. */
@WithJenkins
class DeliveryTest {
    private static final String PAGE = "manage/servicenow-flashduty-deliveries/";
    private JenkinsRule j;
    private Simulator sim;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        sim = Simulator.start();
        Sandbox.configure(sim);
        ServiceNowConfiguration.get().setIncidentOnFailure(new IncidentOnFailure());
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ).everywhere().to("reader"));
    }

    @AfterEach
    void tearDown() {
        sim.close();
    }

    private List<Map<String, String>> incidents() {
        return sim.serviceNow().records("incident");
    }

    private static List<Delivery> pending() {
        return Deliveries.get().pending();
    }

    static void eventually(Supplier<Boolean> condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private Page post(JenkinsRule.WebClient wc, String path) throws Exception {
        WebRequest request = new WebRequest(new URL(j.getURL(), path), HttpMethod.POST);
        wc.addCrumb(request);
        return wc.getPage(request);
    }

    @Test
    void anIncidentWaitsOutAnOutageWarnsTheAdminAndArrivesOnce() throws Exception {
        sim.faults().on("*", "/api/now").respond(503);
        FreeStyleProject p = j.createFreeStyleProject("nightly");
        p.getBuildersList().add(new FailureBuilder());
        j.buildAndAssertStatus(Result.FAILURE, p);
        eventually(() -> pending().size() == 1 && pending().get(0).attempts() >= 1, "a first attempt");
        assertTrue(pending().get(0).origin().startsWith("rule:nightly#1"), pending().get(0).origin());

        JenkinsRule.WebClient admin = j.createWebClient().login("admin");
        while (Deliveries.get().health().mostAttempts() < 3) {
            int before = pending().get(0).attempts();
            post(admin, PAGE + "retryAll");
            eventually(() -> pending().get(0).attempts() > before && !pending().get(0).lastError().isEmpty(), "another failed attempt");
        }
        assertTrue(j.jenkins.getExtensionList(DeliveryMonitor.class).get(0).isActivated());
        String manage = admin.goTo("manage/").asNormalizedText();
        assertTrue(manage.contains("ServiceNow and Flashduty deliveries need attention."), manage);
        assertTrue(manage.contains("503"), "the last error is shown: " + manage);
        String page = admin.goTo(PAGE).asNormalizedText();
        assertTrue(page.contains("raise the incident"), page);
        assertTrue(page.contains("admin-wide rule, nightly #1"), page);
        assertTrue(incidents().isEmpty());

        sim.faults().clear();
        post(admin, PAGE + "retry?id=" + pending().get(0).id());
        eventually(() -> pending().isEmpty(), "delivered");
        assertEquals(1, incidents().size());
        assertFalse(j.jenkins.getExtensionList(DeliveryMonitor.class).get(0).isActivated());
        TicketsAction tickets = p.getBuildByNumber(1).getAction(TicketsAction.class);
        assertEquals(List.of("created"), tickets.getTickets().get(0).getActions());
        assertEquals(List.of("admin-wide"), tickets.getTickets().get(0).getOrigins());
        assertTrue(admin.goTo(PAGE).asNormalizedText().contains("Nothing is waiting"));
    }

    @Test
    void thePageAndItsButtonsAreForAdministratorsAndPostOnly() throws Exception {
        sim.faults().on("*", "/api/now").respond(503);
        FreeStyleProject p = j.createFreeStyleProject("nightly");
        p.getBuildersList().add(new FailureBuilder());
        j.buildAndAssertStatus(Result.FAILURE, p);
        eventually(() -> pending().size() == 1, "queued");
        String id = pending().get(0).id();
        p.getBuildersList().clear();
        j.buildAndAssertSuccess(p);
        eventually(() -> pending().size() == 2, "the resolve queued behind the raise");
        JenkinsRule.WebClient admin0 = j.createWebClient().login("admin");
        String page = admin0.goTo(PAGE).asNormalizedText();
        assertTrue(page.contains("after the delivery above it for the same ticket or alert"), page);

        JenkinsRule.WebClient reader = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("reader");
        for (String button : List.of("retryAll", "retry?id=" + id, "discard?id=" + id)) {
            int status = post(reader, PAGE + button).getWebResponse().getStatusCode();
            assertTrue(status == 403 || status == 404, "POST " + button + " by a reader answered " + status);
        }
        int pageStatus = reader.goTo(PAGE).getWebResponse().getStatusCode();
        assertTrue(pageStatus == 403 || pageStatus == 404, "the page, to a reader: " + pageStatus);
        JenkinsRule.WebClient admin = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("admin");
        int get = admin.goTo(PAGE + "discard?id=" + id).getWebResponse().getStatusCode();
        assertTrue(get == 404 || get == 405, "GET discard answered " + get);
        assertEquals(2, pending().size(), "still there after all that");

        assertEquals(200, post(admin, PAGE + "discard?id=" + id).getWebResponse().getStatusCode());
        assertEquals(1, pending().size());
        assertEquals(QueuedWrites.RESOLVE, pending().get(0).kind());
    }

    @Test
    void aDurableStepReturnsAtOnceAndTheRuleDoesNotQueueASecondIncident() throws Exception {
        sim.faults().on("*", "/api/now").respond(503);
        WorkflowJob job = j.createProject(WorkflowJob.class, "deploy");
        job.setDefinition(new CpsFlowDefinition("""
                def r = serviceNowIncident(durable: true, shortDescription: 'deploy failed, sent while ServiceNow was down')
                echo "queued=${r.queued}"
                error 'deploy failed'
                """, true));
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);
        j.assertLogContains("ServiceNow: queued to raise the incident", run);
        j.assertLogContains("queued=true", run);
        j.assertLogContains("deploy failed", run);
        Thread.sleep(1000); // the rule's listener has run by now; it must have left the build's own raise alone
        assertEquals(1, pending().size());
        assertTrue(pending().get(0).origin().startsWith("step:deploy#1"));

        sim.faults().clear();
        Deliveries.get().retry(pending().get(0).id());
        eventually(() -> pending().isEmpty(), "delivered");
        assertEquals(1, incidents().size());
        assertEquals("deploy failed, sent while ServiceNow was down", incidents().get(0).get("short_description"));
        assertEquals(List.of("created (queued)"), run.getAction(TicketsAction.class).getTickets().get(0).getActionLabels());
        assertEquals("New", run.getAction(TicketsAction.class).getTickets().get(0).getState(), "the same word as a step's own raise");
    }

    @Test
    void aFolderOptsAllItsJobsOutAtAnyDepth() throws Exception {
        Folder team = j.jenkins.createProject(Folder.class, "team");
        team.getProperties().add(new FolderOptOutProperty());
        Folder inner = team.createProject(Folder.class, "inner");
        FreeStyleProject optedOut = inner.createProject(FreeStyleProject.class, "nightly");
        optedOut.getBuildersList().add(new FailureBuilder());
        j.buildAndAssertStatus(Result.FAILURE, optedOut);
        FreeStyleProject elsewhere = j.createFreeStyleProject("other");
        elsewhere.getBuildersList().add(new FailureBuilder());
        j.buildAndAssertStatus(Result.FAILURE, elsewhere);
        eventually(() -> incidents().size() == 1, "the incident of the job outside the folder");
        Thread.sleep(1000);
        assertEquals(1, incidents().size());
        assertTrue(incidents().get(0).get("correlation_id").endsWith(":other"), incidents().get(0).get("correlation_id"));
    }
}
