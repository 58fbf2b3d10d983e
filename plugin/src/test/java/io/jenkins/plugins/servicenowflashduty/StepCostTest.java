package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.XmlFile;
import hudson.model.Fingerprint;
import hudson.model.Saveable;
import hudson.model.listeners.SaveableListener;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.TestExtension;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** What a step and a resumed deployment cost: requests sent, and files written, per build. */
@WithJenkins
class StepCostTest {
    private JenkinsRule j;
    private Simulator sim;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        sim = Simulator.start();
        Sandbox.configure(sim);
    }

    @AfterEach
    void tearDown() {
        sim.close();
    }

    /** Counts saves of credential fingerprints. */
    @TestExtension("aCredentialIsTrackedOnceOnABuildWhateverTheNumberOfSteps")
    public static final class FingerprintSaves extends SaveableListener {
        static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public void onChange(Saveable o, XmlFile file) {
            if (o instanceof Fingerprint) {
                COUNT.incrementAndGet();
            }
        }
    }

    /** Counts saves of builds, by job. */
    @TestExtension("aBuildOfManyIncidentsSavesItsTicketsTogether")
    public static final class BuildSaveCounts extends SaveableListener {
        static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

        @Override
        public void onChange(Saveable o, XmlFile file) {
            if (o instanceof WorkflowRun r) {
                COUNTS.computeIfAbsent(r.getParent().getName(), k -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    @Test
    void aBuildOfManyIncidentsSavesItsTicketsTogether() throws Exception {
        WorkflowJob echoes = j.createProject(WorkflowJob.class, "echoes");
        echoes.setDefinition(new CpsFlowDefinition("for (int i = 0; i < 20; i++) { echo \"step ${i}\" }", true));
        WorkflowJob incidents = j.createProject(WorkflowJob.class, "incidents");
        incidents.setDefinition(new CpsFlowDefinition("""
                for (int i = 0; i < 20; i++) {
                  serviceNowIncident(correlationId: "together-${i}", shortDescription: 'step', description: 'step')
                }
                """, true));
        j.buildAndAssertSuccess(echoes);
        WorkflowRun run = j.buildAndAssertSuccess(incidents);
        Thread.sleep(1500); // the last record's save, a second after it
        int pipeline = BuildSaveCounts.COUNTS.get("echoes").get();
        int withTickets = BuildSaveCounts.COUNTS.get("incidents").get();
        assertTrue(withTickets <= pipeline + 5, "20 new tickets cost " + (withTickets - pipeline) + " saves of build.xml beyond Pipeline's "
                + pipeline + ", not one each");
        List<String> numbers = run.getAction(TicketsAction.class).getTickets().stream().map(t -> t.getNumber()).toList();
        assertEquals(20, numbers.size());
        String onDisk = new XmlFile(run.getRootDir().toPath().resolve("build.xml").toFile()).asString();
        assertTrue(onDisk.contains(numbers.get(19)), "the last ticket is on disk");
    }

    @Test
    void aCredentialIsTrackedOnceOnABuildWhateverTheNumberOfSteps() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "many-steps");
        p.setDefinition(new CpsFlowDefinition("""
                for (int i = 0; i < 5; i++) {
                  serviceNowIncident(correlationId: "many-steps-${i}", shortDescription: 'step', description: 'step')
                }
                """, true));
        j.buildAndAssertSuccess(p); // the credential's fingerprint is made on its first use
        FingerprintSaves.COUNT.set(0);
        WorkflowRun run = j.buildAndAssertSuccess(p);
        assertEquals(5, sim.serviceNow().records("incident").size()); // the second build updated the five
        assertEquals(1, FingerprintSaves.COUNT.get(), "the credential's fingerprint is written once for the build, not once a step");
        StandardCredentials sn = CredentialsMatchers.firstOrNull(SystemCredentialsProvider.getInstance().getCredentials(),
                CredentialsMatchers.withId("sn")) instanceof StandardCredentials c ? c : null;
        Fingerprint fp = CredentialsProvider.getFingerprintOf(sn);
        assertNotNull(fp);
        assertTrue(fp.getRangeSet("many-steps").includes(run.getNumber()), "the build is on the credential's usage");
    }

    @Test
    void buildsThatStartWaitingTogetherShareOneRequestPerInterval() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        List<WorkflowRun> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            WorkflowJob p = j.createProject(WorkflowJob.class, "wait-" + i);
            p.setDefinition(new CpsFlowDefinition("serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) { echo 'go' }", true));
            runs.add(p.scheduleBuild2(0).waitForStart());
        }
        for (WorkflowRun r : runs) {
            j.waitForMessage("ServiceNow: waiting for approval of change", r);
        }
        Thread.sleep(1_500); // the first round has read each change
        sim.requests().clear();
        Thread.sleep(3_200);
        long polls = sim.requests().matching(r -> r.method().equals("GET") && r.path().equals("/api/now/table/change_request")).size();
        // builds registered from two threads at once must find the same watcher: one request per one-second round
        assertTrue(polls >= 2 && polls <= 4, polls + " requests in about three rounds");
        sim.serviceNow().decideAllWaiting(true, null);
        for (WorkflowRun r : runs) {
            j.assertBuildStatusSuccess(j.waitForCompletion(r));
        }
    }

    @Test
    void anApprovedDeploymentMovesAndClosesItsChangeWithoutReadingItAgain() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        WorkflowJob p = j.createProject(WorkflowJob.class, "deploy");
        p.setDefinition(new CpsFlowDefinition("""
                serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) { echo "deploying ${env.SERVICENOW_CHANGE_NUMBER}" }
                """, true));
        WorkflowRun run = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("ServiceNow: waiting for approval of change", run);
        Map<String, String> change = sim.serviceNow().records("change_request").get(0);
        sim.requests().clear();
        sim.serviceNow().decideApproval(change.get("sys_id"), true, "approved");
        j.assertBuildStatusSuccess(j.waitForCompletion(run));
        List<String> writes = sim.requests().matching(r -> r.path().endsWith(change.get("sys_id"))).stream()
                .map(r -> r.method() + " " + stateIn(r.body())).toList();
        // Implement; after the block the evidence note with the move to Review, then Closed: the poll that saw the approval
        // and the step's own moves are current, so the change is not read again
        assertEquals(List.of("PATCH -1", "PATCH 0", "PATCH 3"), writes);
        assertTrue(sim.requests().matching(r -> r.path().endsWith(change.get("sys_id"))).get(1).body().contains("work_notes"),
                "the evidence goes with the move to Review");
        assertEquals("3", sim.serviceNow().record("change_request", change.get("sys_id")).orElseThrow().get("state"));
        TicketsAction tickets = run.getAction(TicketsAction.class);
        assertEquals(List.of("created", "implementing", "closed"), tickets.getTickets().get(0).getActions());
    }

    private static String stateIn(String body) {
        Matcher m = Pattern.compile("\"state\":\"(-?\\d+)\"").matcher(body);
        return m.find() ? m.group(1) : "-";
    }
}
