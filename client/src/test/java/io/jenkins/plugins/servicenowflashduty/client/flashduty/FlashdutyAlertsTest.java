package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.RecordingSleeper;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestEvent;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Alert;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Flashduty operations against the simulator's Flashduty endpoint over real HTTP. */
class FlashdutyAlertsTest {
    private static final BuildContext FAILED = new BuildContext("team/deploy-web", 42, "https://ci.example.com/job/team/job/deploy-web/42/",
            "FAILURE", "main", "abc123");

    private Simulator sim;
    private RecordingSleeper sleeper;
    private List<RequestEvent> events;
    private FlashdutyAlerts alerts;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        sleeper = new RecordingSleeper();
        events = new CopyOnWriteArrayList<>();
        alerts = new FlashdutyAlerts(client(FlashdutySimulator.INTEGRATION_KEY));
    }

    private FlashdutyClient client(String key) {
        return client(sim.baseUrl(), key);
    }

    private FlashdutyClient client(String url, String key) {
        return new FlashdutyClient(url, true, SecretValue.of(key), HttpSettings.defaults("x").withSleeper(sleeper)).withListener(events::add);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private Alert only() {
        assertEquals(1, sim.flashduty().alerts().size(), "alerts: " + sim.flashduty().alerts().size());
        return sim.flashduty().alerts().get(0);
    }

    @Test
    void aFailedBuildOpensACriticalAlertWithBuildLabels() {
        PushResult r = alerts.trigger(FAILED, TriggerOptions.defaults());
        assertEquals("jenkins:team/deploy-web", r.alertKey());
        assertFalse(r.requestId().isEmpty());
        Alert a = only();
        assertEquals("Critical", a.status());
        assertEquals("team/deploy-web #42 failed", a.title());
        Map<String, String> labels = a.events().get(0).labels();
        assertEquals("team/deploy-web", labels.get("job"));
        assertEquals("42", labels.get("build"));
        assertEquals("FAILURE", labels.get("result"));
        assertEquals("main", labels.get("branch"));
        assertEquals("abc123", labels.get("commit"));
        assertEquals(FAILED.buildUrl(), labels.get("url"));
        assertTrue(a.events().get(0).description().contains(FAILED.buildUrl()));
    }

    @Test
    void theLabelLimitCountsWhatThePluginAddsAndSaysHowManyAreLeft() {
        java.util.Map<String, Object> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 45; i++) {
            many.put("l" + i, "v");
        }
        // FAILED has job, build, result, url, branch and commit: 6 of Flashduty's 50
        ApiException e = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
                () -> alerts.trigger(FAILED, new TriggerOptions(null, null, null, null, many, null)));
        assertEquals("An alert can have at most 50 labels; the plugin adds 6 about the build, so give at most 44, not 45.", e.getMessage());
        many.remove("l44");
        alerts.trigger(FAILED, new TriggerOptions(null, null, null, null, many, null));
        assertEquals(50, only().events().get(0).labels().size());
    }

    @Test
    void anUnstableBuildIsAWarning() {
        alerts.trigger(new BuildContext("j", 1, "", "UNSTABLE", "", ""), TriggerOptions.defaults());
        assertEquals("Warning", only().status());
        assertEquals("j #1 is unstable", only().title());
    }

    @Test
    void failingAgainUpdatesTheSameAlertAndRecoveryClosesIt() {
        alerts.trigger(FAILED, TriggerOptions.defaults());
        alerts.trigger(new BuildContext("team/deploy-web", 43, "", "FAILURE", "main", ""), TriggerOptions.defaults());
        Alert a = only();
        assertEquals(2, a.events().size());
        alerts.resolve(new BuildContext("team/deploy-web", 44, "", "SUCCESS", "main", ""), TriggerOptions.defaults());
        assertTrue(a.recovered());
        assertEquals("team/deploy-web #44 recovered", a.events().get(2).title());
        assertEquals(1, sim.flashduty().alerts().size());
    }

    @Test
    void anOkStatusOnTriggerRecovers() {
        alerts.trigger(FAILED, TriggerOptions.defaults());
        alerts.trigger(FAILED, new TriggerOptions(EventStatus.OK, null, null, null, null, null));
        assertTrue(only().recovered());
    }

    @Test
    void resolvingWithNothingOpenIsHarmless() {
        PushResult r = alerts.resolve(FAILED, TriggerOptions.defaults());
        assertEquals("jenkins:team/deploy-web", r.alertKey());
        assertTrue(sim.flashduty().alerts().isEmpty());
    }

    @Test
    void userSettingsWinAndLabelsAreNormalised() {
        Map<String, Object> labels = new java.util.LinkedHashMap<>();
        labels.put("team-name", "payments");
        labels.put("retries", 3);
        labels.put("canary", true);
        labels.put("branch", "release/1.4");
        labels.put("2fa", "on");
        alerts.trigger(FAILED, new TriggerOptions(EventStatus.WARNING, "Deploy of web failed", "custom", "deploy:web", labels,
                new IncidentLink("INC0010002", "https://acme.service-now.com/incident.do?sys_id=x")));
        Alert a = sim.flashduty().alert("deploy:web").orElseThrow();
        assertEquals("Warning", a.status());
        assertEquals("Deploy of web failed", a.title());
        Map<String, String> l = a.events().get(0).labels();
        assertEquals("payments", l.get("team_name"));
        assertEquals("3", l.get("retries"));
        assertEquals("true", l.get("canary"));
        assertEquals("release/1.4", l.get("branch"));
        assertEquals("on", l.get("_2fa"));
        assertEquals("INC0010002", l.get("servicenow_incident"));
        assertEquals("https://acme.service-now.com/incident.do?sys_id=x", l.get("servicenow_incident_url"));
        assertEquals("custom", a.events().get(0).description());
    }

    @Test
    void testEventArrivesAndRecoversAtOnce() {
        alerts.sendTest("https://ci.example.com/");
        Alert a = only();
        assertEquals(FlashdutyAlerts.TEST_ALERT_KEY, a.alertKey());
        assertEquals(2, a.events().size());
        assertEquals("Info", a.events().get(0).status());
        assertTrue(a.recovered());
    }

    private ApiException failure(Runnable r) {
        return assertThrows(ApiException.class, r::run);
    }

    @Test
    void aWrongIntegrationKeyIsOneSentenceWithoutTheKey() {
        FlashdutyAlerts wrong = new FlashdutyAlerts(client("not-the-key-s3cr3t"));
        ApiException e = failure(() -> wrong.trigger(FAILED, TriggerOptions.defaults()));
        assertEquals(Problem.BAD_CREDENTIALS, e.problem());
        assertEquals("Flashduty did not accept the integration key; check that the credential holds the key of a standard alert integration.",
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"));
        events.forEach(ev -> assertFalse(ev.toString().contains("s3cr3t"), ev.toString()));
        assertEquals(1, events.size()); // a 4xx is not retried
    }

    @Test
    void rateLimitingIsRetriedThenReported() {
        sim.faults().on("POST", "/event/").retryAfter(2).respond(429);
        ApiException e = failure(() -> alerts.trigger(FAILED, TriggerOptions.defaults()));
        assertEquals(Problem.RATE_LIMITED, e.problem());
        assertEquals("Flashduty is rate limiting this integration (100 requests a second, 1,000 a minute); try again later.", e.getMessage());
        assertEquals(4, events.size());
        assertTrue(sleeper.waits().stream().allMatch(d -> d.getSeconds() == 2), sleeper.waits().toString());
    }

    @Test
    void serverErrorsAreRetriedIntoOneAlert() {
        sim.faults().on("POST", "/event/").times(1).respond(500);
        sim.faults().on("POST", "/event/").times(1).respond(503);
        alerts.trigger(FAILED, TriggerOptions.defaults());
        assertEquals(1, only().events().size());
        assertEquals(3, sim.requests().matching("POST", "/event/").size());
    }

    @Test
    void aPushLostAfterFlashdutyTookItIsRetriedWithoutASecondAlert() {
        sim.faults().on("POST", "/event/").times(1).afterProcessing().drop();
        alerts.trigger(FAILED, TriggerOptions.defaults());
        assertEquals(2, sim.requests().matching("POST", "/event/").size());
        Alert a = only();
        assertEquals(1, a.events().size()); // the identical repeat was dropped by Flashduty
    }

    @Test
    void persistentGatewayFailureIsOneSentence() {
        sim.faults().on("POST", "/event/").respond(502);
        ApiException e = failure(() -> alerts.trigger(FAILED, TriggerOptions.defaults()));
        assertEquals(Problem.SERVER_ERROR, e.problem());
        assertEquals("Flashduty failed with HTTP 502; try again later.", e.getMessage());
    }

    @Test
    void aWrongApiUrlIsNamed() throws Exception {
        FlashdutyAlerts wrongPath = new FlashdutyAlerts(client(sim.baseUrl() + "/flashduty", FlashdutySimulator.INTEGRATION_KEY));
        ApiException e = failure(() -> wrongPath.trigger(FAILED, TriggerOptions.defaults()));
        assertEquals(Problem.NOT_FOUND, e.problem());
        assertEquals("Flashduty has no alert endpoint at " + sim.baseUrl() + "/flashduty; check the Flashduty API URL.", e.getMessage());

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        FlashdutyAlerts down = new FlashdutyAlerts(client("http://127.0.0.1:" + closed, FlashdutySimulator.INTEGRATION_KEY));
        ApiException unreachable = failure(() -> down.trigger(FAILED, TriggerOptions.defaults()));
        assertEquals(Problem.UNREACHABLE, unreachable.problem());
        assertTrue(unreachable.getMessage().startsWith("Could not connect to Flashduty at 127.0.0.1"), unreachable.getMessage());
    }

    @Test
    void flashdutyValidationErrorsAreReported() {
        sim.faults().on("POST", "/event/").times(1).respond(400);
        ApiException e = failure(() -> alerts.trigger(FAILED, TriggerOptions.defaults()));
        assertEquals(Problem.INVALID_INPUT, e.problem());
        assertTrue(e.getMessage().startsWith("Flashduty rejected the alert: "), e.getMessage());
        assertTrue(e.getMessage().contains("(request "), e.getMessage());
    }

    @Test
    void theDefaultApiUrlIsTheSaaSEndpoint() {
        assertEquals("https://api.flashcat.cloud", FlashdutyClient.DEFAULT_API_URL);
        ApiException plain = assertThrows(ApiException.class,
                () -> new FlashdutyClient("http://flashduty.internal", false, SecretValue.of("k"), HttpSettings.defaults("x")));
        assertEquals(Problem.INVALID_INPUT, plain.problem());
        ApiException empty = assertThrows(ApiException.class,
                () -> new FlashdutyClient(null, false, SecretValue.of(" "), HttpSettings.defaults("x")));
        assertTrue(empty.getMessage().startsWith("The Flashduty integration key is empty"));
    }
}
