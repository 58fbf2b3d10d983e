package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.FilePath;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.Result;
import hudson.model.StringParameterDefinition;
import hudson.model.StringParameterValue;
import io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.delivery.Deliveries;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Alert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Every Jenkinsfile in {@code examples/pipelines} runs here word for word against the simulator, so an example that
 * stops working fails the build. The shell scripts the examples call ({@code ./deploy.sh}, {@code ./run-tests.sh}...)
 * are the project's own in real life; here each test writes them into the workspace, passing or failing.
 */
@WithJenkins
class ExamplesTest extends SandboxedJenkinsTest {
    private static final Path PIPELINES = Path.of("..", "examples", "pipelines");


    @BeforeEach
    void setUp() throws Exception {
        j.jenkins.setLabelString("deploy"); // the built-in node stands in for the deploy agent
    }

    private WorkflowJob example(String name) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(Files.readString(PIPELINES.resolve(name + ".Jenkinsfile"), StandardCharsets.UTF_8), true));
        return p;
    }

    /** The project's own script, in the job's workspace on the built-in node. */
    private void script(WorkflowJob p, String name, String body) throws Exception {
        FilePath file = j.jenkins.getWorkspaceFor(p).child(name);
        file.write("#!/bin/sh\n" + body + "\n", "UTF-8");
        file.chmod(0755);
    }

    private Map<String, String> onlyChange() {
        List<Map<String, String>> changes = sim.serviceNow().records("change_request");
        assertEquals(1, changes.size());
        return changes.get(0);
    }

    private List<Map<String, String>> incidents() {
        return sim.serviceNow().records("incident");
    }

    @Test
    void declarativeDeploy() throws Exception {
        WorkflowJob p = example("declarative-deploy");
        script(p, "build.sh", "echo \"building $1\"");
        script(p, "deploy.sh", "echo \"deploying $1 under $SERVICENOW_CHANGE_NUMBER\"");
        WorkflowRun ok = j.buildAndAssertSuccess(p);
        Map<String, String> change = onlyChange();
        j.assertLogContains("deploying 1.4.2 under " + change.get("number"), ok);
        assertEquals("3", change.get("state"));
        assertEquals("successful", change.get("close_code"));
        assertEquals("Deploy web 1.4.2", change.get("short_description"));
        assertTrue(incidents().isEmpty());

        script(p, "deploy.sh", "echo 'health check timed out'; exit 1");
        WorkflowRun failed = j.buildAndAssertStatus(Result.FAILURE, p);
        Map<String, String> second = sim.serviceNow().records("change_request").get(1);
        assertEquals("unsuccessful", second.get("close_code"));
        assertEquals(1, incidents().size());
        j.assertLogContains("ServiceNow: created incident " + incidents().get(0).get("number"), failed);
        Alert alert = sim.flashduty().alerts().get(0);
        assertEquals("Critical", alert.status());

        script(p, "deploy.sh", "echo deployed");
        j.buildAndAssertSuccess(p);
        assertEquals("6", incidents().get(0).get("state"), "the next green build resolved the incident");
        assertTrue(sim.flashduty().alerts().get(0).recovered());
    }

    @Test
    void changeWindowWaitsForTheStartAndABlackoutStopsIt() throws Exception {
        WorkflowJob p = example("change-window");
        p.addProperty(new ParametersDefinitionProperty(new StringParameterDefinition("START", "")));
        script(p, "deploy.sh", "echo \"deploying under $SERVICENOW_CHANGE_NUMBER at $(date +%s)\"");
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(20); // after the approval, which takes a poll or two
        WorkflowRun ok = j.assertBuildStatusSuccess(p.scheduleBuild2(0, new ParametersAction(new StringParameterValue("START", start.toString()))));
        Map<String, String> change = onlyChange();
        j.assertLogContains("waiting for its planned window", ok);
        String log = JenkinsRule.getLog(ok);
        long deployedAt = Long.parseLong(log.replaceAll("(?s).*deploying under " + change.get("number") + " at (\\d+).*", "$1"));
        assertTrue(deployedAt >= start.getEpochSecond(), "deployed at " + deployedAt + ", the window opens at " + start.getEpochSecond());
        assertEquals("3", change.get("state"));

        sim.serviceNow().schedules().addSchedule("blackout", "Release freeze", Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(86_400), List.of("orders-db"));
        WorkflowRun stopped = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0,
                new ParametersAction(new StringParameterValue("START", Instant.now().plusSeconds(60).toString()))));
        j.assertLogContains("falls in the blackout 'Release freeze'", stopped);
        j.assertLogNotContains("deploying under", stopped);
        assertEquals("4", sim.serviceNow().records("change_request").get(1).get("state"));
        // the refused change deployed nothing: the incident goes to the job's last deployment, build #1 a minute ago
        assertEquals(change.get("sys_id"), incidents().get(0).get("caused_by"));
    }

    @Test
    void scriptedStepByStep() throws Exception {
        WorkflowJob p = example("scripted-step-by-step");
        script(p, "deploy.sh", "echo 'web 1.4.2 deployed'");
        WorkflowRun run = j.buildAndAssertSuccess(p);
        Map<String, String> change = onlyChange();
        j.assertLogContains("opened " + change.get("number"), run);
        j.assertLogContains(change.get("number") + ": approval approved, state Scheduled", run);
        assertEquals("3", change.get("state"));
        assertEquals("successful", change.get("close_code"));
        assertEquals("Deployed; health checks green.", change.get("close_notes"));
        assertEquals(1, sim.serviceNow().records("sys_attachment").stream()
                .filter(a -> change.get("sys_id").equals(a.get("table_sys_id")) && "deploy.log".equals(a.get("file_name"))).count());
        assertTrue(sim.serviceNow().journal("change_request", change.get("sys_id"), "work_notes").stream()
                .anyMatch(n -> n.startsWith("Deployed by ")));
    }

    @Test
    void incidentOnly() throws Exception {
        WorkflowJob p = example("incident-only");
        script(p, "run-tests.sh", "echo '3 tests failed'; exit 1");
        j.buildAndAssertStatus(Result.FAILURE, p);
        assertEquals(1, incidents().size());
        assertEquals("2", incidents().get(0).get("urgency"));
        j.buildAndAssertStatus(Result.FAILURE, p);
        assertEquals(1, incidents().size(), "failing again updates the incident");
        script(p, "run-tests.sh", "echo 'all tests passed'");
        j.buildAndAssertSuccess(p);
        assertEquals("6", incidents().get(0).get("state"));
    }

    @Test
    void flashdutyOnly() throws Exception {
        WorkflowJob p = example("flashduty-only");
        script(p, "smoke-test.sh", "echo 'checkout is down'; exit 1");
        j.buildAndAssertStatus(Result.FAILURE, p);
        Alert alert = sim.flashduty().alerts().get(0);
        assertEquals("Critical", alert.status());
        assertEquals("web", alert.events().get(0).labels().get("service"));
        script(p, "smoke-test.sh", "echo ok");
        j.buildAndAssertSuccess(p);
        assertTrue(sim.flashduty().alerts().get(0).recovered());
        assertTrue(sim.serviceNow().records("incident").isEmpty());
    }

    @Test
    void multibranchDeploysAndPagesOnlyForMain() throws Exception {
        WorkflowJob p = example("multibranch");
        // a branch project's job has BRANCH_NAME set by multibranch; a parameter of that name stands in for it here
        p.addProperty(new ParametersDefinitionProperty(new StringParameterDefinition("BRANCH_NAME", "main")));
        script(p, "run-tests.sh", "echo tested");
        script(p, "deploy.sh", "echo \"deployed under $SERVICENOW_CHANGE_NUMBER\"");
        WorkflowRun main = j.assertBuildStatusSuccess(p.scheduleBuild2(0, new ParametersAction(new StringParameterValue("BRANCH_NAME", "main"))));
        j.assertLogContains("deployed under " + onlyChange().get("number"), main);
        assertEquals("3", onlyChange().get("state"));

        WorkflowRun feature = j.assertBuildStatusSuccess(p.scheduleBuild2(0,
                new ParametersAction(new StringParameterValue("BRANCH_NAME", "feature/login"))));
        j.assertLogContains("Stage \"Deploy\" skipped due to when conditional", feature);
        assertEquals(1, sim.serviceNow().records("change_request").size(), "no change for a feature branch");
        script(p, "run-tests.sh", "exit 1");
        j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0, new ParametersAction(new StringParameterValue("BRANCH_NAME", "feature/login"))));
        assertTrue(incidents().isEmpty(), "a feature branch pages nobody");
        j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0, new ParametersAction(new StringParameterValue("BRANCH_NAME", "main"))));
        assertEquals(1, incidents().size());
    }

    @Test
    void optOutKeepsAJobOutOfTheAdminWideRules() throws Exception {
        IncidentOnFailure everyJob = new IncidentOnFailure();
        ServiceNowConfiguration.get().setIncidentOnFailure(everyJob);
        WorkflowJob p = example("opt-out");
        script(p, "experiment.sh", "exit 1");
        j.buildAndAssertStatus(Result.FAILURE, p);
        WorkflowJob other = j.createProject(WorkflowJob.class, "nightly");
        other.setDefinition(new CpsFlowDefinition("error 'nightly failed'", true));
        j.buildAndAssertStatus(Result.FAILURE, other);
        long end = System.currentTimeMillis() + 20_000;
        while (incidents().isEmpty() && System.currentTimeMillis() < end) {
            Thread.sleep(100);
        }
        assertEquals(1, incidents().size(), "the rule raised one incident, for the job that did not opt out");
        assertTrue(incidents().get(0).get("description").contains("nightly"), incidents().get(0).get("description"));
        assertTrue(Deliveries.get().pending().isEmpty());
    }
}
