package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.hudson.plugins.folder.Folder;
import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.yaml.YamlSource;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The Configuration as Code files in {@code examples/casc} are applied as written, with one change: the instance's
 * URL (and Flashduty's) points at the simulator, which speaks plain HTTP. Then a pipeline raises an incident through
 * each way of signing in, so an example that stops working fails the build.
 */
@WithJenkins
class CascExamplesTest {
    private static final Path CASC = Path.of("..", "examples", "casc");
    private static final String ACME = "url: \"https://acme.service-now.com\"";

    private JenkinsRule j;
    private Simulator sim;

    @BeforeEach
    void setUp(JenkinsRule rule) {
        j = rule;
        sim = Simulator.start();
        // the secrets the examples read from the environment (system properties serve as well)
        System.setProperty("SN_PASSWORD", ServiceNowSimulator.INTEGRATION_PASSWORD);
        System.setProperty("SN_API_KEY", ServiceNowSimulator.API_KEY);
        System.setProperty("SN_OAUTH_SECRET", ServiceNowSimulator.OAUTH_CLIENT_SECRET);
        System.setProperty("FLASHDUTY_KEY", FlashdutySimulator.INTEGRATION_KEY);
    }

    @AfterEach
    void tearDown() {
        sim.close();
        for (String p : List.of("SN_PASSWORD", "SN_API_KEY", "SN_OAUTH_SECRET", "FLASHDUTY_KEY")) {
            System.clearProperty(p);
        }
    }

    /**
     * Applies an example, its URLs pointing at the simulator, whose service account ({@code jenkins}) and OAuth client
     * id stand in for the example's.
     */
    private void apply(String file) throws Exception {
        String yaml = Files.readString(CASC.resolve(file), StandardCharsets.UTF_8);
        assertTrue(yaml.contains(ACME), file);
        yaml = yaml.replace(ACME, "url: \"" + sim.baseUrl() + "\"\n        allowPlainHttp: true")
                .replace("baseUrl: \"https://api.flashcat.cloud\"", "baseUrl: \"" + sim.baseUrl() + "\"\n    allowPlainHttp: true")
                .replace("3f2a9c1e8b7d4e6f9a0b1c2d3e4f5a6b", ServiceNowSimulator.OAUTH_CLIENT_ID)
                .replace("username: \"svc_jenkins\"", "username: \"" + ServiceNowSimulator.INTEGRATION_USER + "\"");
        ConfigurationAsCode.get().configureWith(YamlSource.of(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))));
    }

    /** A job of the example's allowed jobs raises an incident: the configured credentials sign in. */
    private Map<String, String> raise() throws Exception {
        Folder release = j.jenkins.getItem("release") instanceof Folder f ? f : j.jenkins.createProject(Folder.class, "release");
        WorkflowJob p = release.createProject(WorkflowJob.class, "deploy-" + System.nanoTime());
        p.setDefinition(new CpsFlowDefinition("serviceNowIncident(shortDescription: 'signed in', description: 'from the example')", true));
        WorkflowRun run = j.buildAndAssertSuccess(p);
        List<Map<String, String>> incidents = sim.serviceNow().records("incident");
        assertEquals(1, incidents.size(), JenkinsRule.getLog(run));
        return incidents.get(0);
    }

    @Test
    void basic() throws Exception {
        apply("servicenow-basic.yaml");
        ServiceNowInstance prod = ServiceNowConfiguration.get().instance("prod");
        assertEquals("sn-prod", prod.getCredentialsId());
        assertNull(prod.getOauthCredentialsId());
        assertEquals("release/.*", prod.getAllowedJobs());
        assertEquals("jenkins", raise().get("sys_created_by"));
        assertEquals("fd-key", FlashdutyConfiguration.get().getIntegrationKeyCredentialsId());
        WorkflowJob alerting = j.createProject(WorkflowJob.class, "release-alert");
        alerting.setDefinition(new CpsFlowDefinition("flashdutyNotify(status: 'Info', title: 'signed in')", true));
        j.buildAndAssertSuccess(alerting);
        assertEquals(1, sim.flashduty().alerts().size());
    }

    @Test
    void theReadmeShowsTheBasicExampleAsItIs() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains("```yaml\n" + Files.readString(CASC.resolve("servicenow-basic.yaml"), StandardCharsets.UTF_8) + "```"),
                "README.md's Configuration as Code example is examples/casc/servicenow-basic.yaml, word for word");
    }

    @Test
    void apiKey() throws Exception {
        apply("servicenow-api-key.yaml");
        raise();
        assertTrue(sim.requests().all().stream().filter(r -> r.path().equals("/api/now/table/incident"))
                .allMatch(r -> r.headers().containsKey("x-sn-apikey") && !r.headers().containsKey("authorization")));
    }

    @Test
    void oauthClientCredentials() throws Exception {
        apply("servicenow-oauth.yaml");
        assertNull(ServiceNowConfiguration.get().instance("prod").getCredentialsId());
        raise();
        assertTrue(sim.requests().all().stream().anyMatch(r -> r.path().equals("/oauth_token.do")
                && r.body().contains("grant_type=client_credentials")));
    }

    @Test
    void oauthPassword() throws Exception {
        apply("servicenow-oauth-password.yaml");
        raise();
        assertTrue(sim.requests().all().stream().anyMatch(r -> r.path().equals("/oauth_token.do") && r.body().contains("grant_type=password")));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        apply("every-key.yaml");
        ServiceNowConfiguration sn = ServiceNowConfiguration.get();
        ServiceNowInstance prod = sn.instance("prod");
        assertEquals("web-frontend", prod.getConfigurationItem());
        assertEquals("svc_jenkins", prod.getCaller());
        assertEquals(List.of("incident", "change_request", "change_task", "problem", "cmdb_ci", "sys_user_group"), prod.queryableTables());
        assertEquals("2", sn.getIncidentOnFailure().getImpact());
        assertEquals("Software", sn.getIncidentOnFailure().getCategory());
        assertEquals("svc_jenkins", sn.getIncidentOnFailure().getCaller());
        assertEquals("web-frontend", sn.getIncidentOnFailure().getConfigurationItem());
        assertEquals("team-a/sandbox-.*", sn.getIncidentOnFailure().getExcludes());
        assertTrue(FlashdutyConfiguration.get().getAlertOnFailure().isUnstable());
        assertEquals("team=web\ntier=frontend", FlashdutyConfiguration.get().getAlertOnFailure().getLabels());
    }
}
