package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.FreeStyleProject;
import hudson.model.Result;
import hudson.model.Run;
import hudson.util.Secret;
import io.jenkins.plugins.servicenowflashduty.automation.AlertOnFailure;
import io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.delivery.Deliveries;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.FailureBuilder;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A credential whose value cannot be sent (a trailing line break, a control character inside) is refused with a
 * sentence naming its id, and its value appears nowhere: not in build logs, the controller log, the queue's files
 * or any page, whichever path used it (a step, a durable step, the test button, an admin-wide rule).
 */
@WithJenkins
class SecretSweepTest {
    private static final String INSTANCE = "descriptorByName/io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance/";
    private static final String FLASHDUTY = "descriptorByName/io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration/";
    private JenkinsRule j;
    private Simulator sim;
    private final List<String> controllerLog = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            StringWriter w = new StringWriter();
            w.append(String.valueOf(r.getMessage())).append(' ');
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    w.append(String.valueOf(p)).append(' ');
                }
            }
            if (r.getThrown() != null) {
                r.getThrown().printStackTrace(new PrintWriter(w));
            }
            synchronized (controllerLog) {
                controllerLog.add(w.toString());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        sim = Simulator.start();
        Sandbox.configure(sim);
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        Logger.getLogger("io.jenkins.plugins.servicenowflashduty").setLevel(Level.ALL);
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy().grant(Jenkins.ADMINISTER).everywhere().to("admin"));
        ServiceNowConfiguration.get().setIncidentOnFailure(new IncidentOnFailure());
        FlashdutyConfiguration.get().setAlertOnFailure(new AlertOnFailure());
    }

    @AfterEach
    void tearDown() {
        Logger.getLogger("").removeHandler(capture);
        sim.close();
    }

    /** The two kinds of value HTTP cannot carry; the marker is what must never show up anywhere. */
    private static List<String> badValues(String marker) {
        return List.of(marker + "\n", marker.substring(0, 4) + "\u0007" + marker.substring(4));
    }

    @Test
    void basicPassword() throws Exception {
        for (String bad : badValues("ZQbasicPW71")) {
            put(new UsernamePasswordCredentialsImpl(CredentialsScope.SYSTEM, "sn-bad", "", ServiceNowSimulator.INTEGRATION_USER, bad));
            useInstance("sn-bad", null);
            serviceNowPaths("sn-bad", "ZQbasicPW71".substring(4));
        }
    }

    @Test
    void apiKey() throws Exception {
        for (String bad : badValues("ZQapikey7731")) {
            put(new StringCredentialsImpl(CredentialsScope.SYSTEM, "sn-key", "", Secret.fromString(bad)));
            useInstance("sn-key", null);
            serviceNowPaths("sn-key", "ZQapikey7731".substring(4));
        }
    }

    @Test
    void oauthClientSecret() throws Exception {
        for (String bad : badValues("ZQoauthSecret55")) {
            put(new UsernamePasswordCredentialsImpl(CredentialsScope.SYSTEM, "sn-oauth", "", ServiceNowSimulator.OAUTH_CLIENT_ID, bad));
            useInstance(null, "sn-oauth");
            serviceNowPaths("sn-oauth", "ZQoauthSecret55".substring(4));
        }
    }

    @Test
    void flashdutyKey() throws Exception {
        for (String bad : badValues("ZQflashKey909")) {
            put(new StringCredentialsImpl(CredentialsScope.SYSTEM, "fd-bad", "", Secret.fromString(bad)));
            FlashdutyConfiguration.get().setIntegrationKeyCredentialsId("fd-bad");
            String marker = "ZQflashKey909".substring(4);

            WorkflowJob step = pipeline("alert-step", "flashdutyNotify status: 'Critical'");
            assertRefused(j.buildAndAssertStatus(Result.FAILURE, step), "fd-bad", marker);
            WorkflowJob durable = pipeline("alert-durable", "flashdutyNotify status: 'Critical', durable: true");
            assertRefused(j.buildAndAssertStatus(Result.FAILURE, durable), "fd-bad", marker);
            String button = post(FLASHDUTY + "sendTestAlert?baseUrl=" + enc(sim.baseUrl()) + "&integrationKeyCredentialsId=fd-bad&allowPlainHttp=true");
            assertTrue(button.contains("fd-bad"), button);
            ruleFailsOnceWith("fd-bad");
            sweep(marker);
        }
    }

    private void serviceNowPaths(String id, String marker) throws Exception {
        WorkflowJob step = pipeline("incident-step", "serviceNowIncident(shortDescription: 'x')");
        assertRefused(j.buildAndAssertStatus(Result.FAILURE, step), id, marker);
        WorkflowJob durable = pipeline("incident-durable", "serviceNowIncident(durable: true)");
        assertRefused(j.buildAndAssertStatus(Result.FAILURE, durable), id, marker);
        ServiceNowInstance i = ServiceNowConfiguration.get().getInstances().get(0);
        String button = post(INSTANCE + "testConnection?name=sandbox&url=" + enc(sim.baseUrl()) + "&allowPlainHttp=true"
                + "&credentialsId=" + (i.getCredentialsId() == null ? "" : i.getCredentialsId())
                + "&oauthCredentialsId=" + (i.getOauthCredentialsId() == null ? "" : i.getOauthCredentialsId()));
        assertTrue(button.contains(id), button);
        ruleFailsOnceWith(id);
        sweep(marker);
    }

    private void put(Credentials c) throws Exception {
        List<Credentials> all = SystemCredentialsProvider.getInstance().getCredentials();
        all.removeIf(x -> x instanceof com.cloudbees.plugins.credentials.common.IdCredentials ic
                && ic.getId().equals(((com.cloudbees.plugins.credentials.common.IdCredentials) c).getId()));
        all.add(c);
        SystemCredentialsProvider.getInstance().save();
    }

    private void useInstance(String credentialsId, String oauthId) {
        ServiceNowInstance i = new ServiceNowInstance("sandbox", sim.baseUrl(), credentialsId);
        i.setOauthCredentialsId(oauthId);
        i.setAllowPlainHttp(true);
        ServiceNowConfiguration.get().setInstances(List.of(i));
    }

    private WorkflowJob pipeline(String name, String script) throws Exception {
        WorkflowJob p = j.jenkins.getItemByFullName(name, WorkflowJob.class);
        if (p == null) {
            p = j.createProject(WorkflowJob.class, name);
        }
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    private void assertRefused(Run<?, ?> run, String id, String marker) throws Exception {
        j.assertLogContains("credential '" + id + "'", run);
        j.assertLogNotContains(marker, run);
        j.assertLogNotContains("\tat ", run); // one sentence, no stack trace
    }

    /** A failed build: the admin-wide rule queues its write, which is held with the credential's sentence. */
    private void ruleFailsOnceWith(String id) throws Exception {
        FreeStyleProject p = j.jenkins.getItemByFullName("nightly", FreeStyleProject.class);
        if (p == null) {
            p = j.createFreeStyleProject("nightly");
            p.getBuildersList().add(new FailureBuilder());
        }
        j.buildAndAssertStatus(Result.FAILURE, p);
        DeliveryTest.eventually(() -> Deliveries.get().pending().stream().anyMatch(d -> d.lastError().contains("'" + id + "'")),
                "a delivery held with the credential's sentence");
    }

    /** Build logs, the controller log, every file of the queue, and the pages that show deliveries: no trace of the value. */
    private void sweep(String marker) throws Exception {
        for (hudson.model.Job<?, ?> job : j.jenkins.getAllItems(hudson.model.Job.class)) {
            for (Run<?, ?> r : job.getBuilds()) {
                j.assertLogNotContains(marker, r);
            }
        }
        synchronized (controllerLog) {
            for (String line : controllerLog) {
                assertFalse(line.contains(marker), "controller log: " + line);
            }
        }
        Path queue = j.jenkins.getRootDir().toPath().resolve("servicenow-flashduty-deliveries");
        if (Files.isDirectory(queue)) {
            try (Stream<Path> files = Files.walk(queue)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertFalse(Files.readString(f, StandardCharsets.UTF_8).contains(marker), "queue file " + f);
                }
            }
        }
        JenkinsRule.WebClient admin = j.createWebClient().withJavaScriptEnabled(false).login("admin"); // the page text is what counts, and fast
        for (String page : List.of("manage/servicenow-flashduty-deliveries/", "manage/")) {
            String html = admin.goTo(page).getWebResponse().getContentAsString();
            assertFalse(html.contains(marker), page);
        }
        for (hudson.model.Job<?, ?> job : j.jenkins.getAllItems(hudson.model.Job.class)) {
            for (Run<?, ?> r : job.getBuilds()) {
                assertFalse(admin.goTo(r.getUrl() + "console").getWebResponse().getContentAsString().contains(marker), r.getUrl());
            }
        }
        for (var d : Deliveries.get().pending()) {
            Deliveries.get().discard(d.id());
        }
    }

    private String post(String path) throws Exception {
        JenkinsRule.WebClient admin = j.createWebClient().withJavaScriptEnabled(false).login("admin"); // the page text is what counts, and fast
        WebRequest request = new WebRequest(new URL(j.getURL(), path), HttpMethod.POST);
        admin.addCrumb(request);
        String html = admin.getPage(request).getWebResponse().getContentAsString();
        return html;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
