package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.RecordingSleeper;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestEvent;
import io.jenkins.plugins.servicenowflashduty.client.http.RetryPolicy;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Change;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Change events against the simulator over real HTTP: the life of a deployment, limits, faults and the secret URL. */
class FlashdutyChangeEventsTest {
    private static final BuildContext BUILD = new BuildContext("shop/deploy", 7, "https://ci.example.com/job/shop/job/deploy/7/", "", "main", "f00d");
    private Simulator sim;
    private final RecordingSleeper sleeper = new RecordingSleeper();
    private final List<RequestEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        sim = Simulator.start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private String pushUrl(String key) {
        return sim.baseUrl() + "/event/push/change/standard?integration_key=" + key;
    }

    private FlashdutyChangeEvents client(String url) {
        return new FlashdutyChangeEvents(SecretValue.of(url), true, HttpSettings.defaults("x").withSleeper(sleeper)).withListener(events::add);
    }

    @Test
    void aDeploymentGoesFromPlannedToDoneOnOneChange() {
        FlashdutyChangeEvents fd = client(pushUrl(FlashdutySimulator.CHANGE_INTEGRATION_KEY));
        Instant start = Instant.parse("2030-01-01T22:00:00Z");
        ChangeEvent planned = DeployEvents.first("CHG0030001", ChangeStatus.PLANNED, "Deploy shop 1.4", BUILD, Map.of("team", "payments"), "opened");
        fd.push(planned);
        fd.push(planned.next(ChangeStatus.READY, start, "approved"));
        fd.push(planned.next(ChangeStatus.PROCESSING, Instant.now(), "deploying"));
        fd.push(planned.next(ChangeStatus.DONE, Instant.now(), "successful").withLabels(Map.of("result", "successful")));
        Change c = sim.flashduty().changes().get(0);
        assertEquals("CHG0030001", c.changeKey());
        assertEquals(List.of("Planned", "Ready", "Processing", "Done"), c.events().stream().map(e -> e.status()).toList());
        var ready = c.events().get(1);
        assertEquals(start.getEpochSecond(), ready.eventTime());
        var done = c.events().get(3);
        assertEquals("Deploy shop 1.4", done.title());
        assertEquals("https://ci.example.com/job/shop/job/deploy/7/", done.link());
        assertEquals(Map.of("job", "shop/deploy", "build", "7", "branch", "main", "commit", "f00d", "source", "jenkins", "team", "payments",
                "result", "successful"), done.labels());
    }

    @Test
    void aLongDescriptionAndTooManyLabelsAreCutToFlashdutysLimits() {
        Map<String, String> many = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            many.put("extra" + i, "v");
        }
        ChangeEvent e = DeployEvents.first("k", ChangeStatus.DONE, "t", BUILD, many, "x".repeat(5000));
        client(pushUrl(FlashdutySimulator.CHANGE_INTEGRATION_KEY)).push(e);
        var got = sim.flashduty().changes().get(0).events().get(0);
        assertEquals(2048, got.description().length());
        assertEquals(50, got.labels().size());
        assertEquals("shop/deploy", got.labels().get("job"), "the build's own labels come first");
    }

    @Test
    void aServerErrorIsRetriedWithoutASecondChange() {
        sim.faults().on("POST", "/event/push/change/standard").times(2).respond(503);
        client(pushUrl(FlashdutySimulator.CHANGE_INTEGRATION_KEY)).push(DeployEvents.first("k", ChangeStatus.PROCESSING, "t", BUILD, null, ""));
        assertEquals(1, sim.flashduty().changes().size());
        assertEquals(2, sleeper.waits().size());
    }

    @Test
    void anEventSentWithoutAThreadIsRetriedOnTimersAndFailsInOneSentenceWithoutTheKey() throws Exception {
        sim.faults().on("POST", "/event/push/change/standard").times(2).respond(503);
        FlashdutyChangeEvents fd = client(pushUrl(FlashdutySimulator.CHANGE_INTEGRATION_KEY))
                .withRetry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(10)));
        fd.pushAsync(DeployEvents.first("k", ChangeStatus.PROCESSING, "t", BUILD, null, "")).get(10, TimeUnit.SECONDS);
        assertEquals(1, sim.flashduty().changes().size());
        assertEquals(3, sim.requests().all().stream().filter(r -> r.path().equals("/event/push/change/standard")).count());
        ExecutionException e = assertThrows(ExecutionException.class, () -> client(pushUrl("secret-wrong-key"))
                .pushAsync(DeployEvents.first("k", ChangeStatus.DONE, "t", BUILD, null, "")).get(10, TimeUnit.SECONDS));
        ApiException cause = assertInstanceOf(ApiException.class, e.getCause());
        assertEquals(Problem.BAD_CREDENTIALS, cause.problem());
        assertFalse(cause.getMessage().contains("secret-wrong-key"), cause.getMessage());
    }

    @Test
    void aBurstOfEventsKeepsFlashdutysRateInsteadOfBeingRefused() throws Exception {
        // 150 deployments tell Flashduty at once: 100 a second is Flashduty's limit, so 50 wait for the next second
        FlashdutyChangeEvents fd = client(pushUrl(FlashdutySimulator.CHANGE_INTEGRATION_KEY));
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 150; i++) {
            sent.add(fd.pushAsync(DeployEvents.first("burst-" + i, ChangeStatus.PROCESSING, "t", BUILD, null, "")));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertEquals(150, sim.flashduty().changes().size());
        assertEquals(List.of(), sim.requests().all().stream().filter(r -> r.status() == 429).toList(), "no request was refused");
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(900), "the last 50 waited for the next second");
    }

    @Test
    void aBlockingPushWaitsForItsTurnToo() {
        FlashdutyChangeEvents fd = new FlashdutyChangeEvents(SecretValue.of(pushUrl(FlashdutySimulator.CHANGE_INTEGRATION_KEY)), true,
                HttpSettings.defaults("x"));
        long started = System.nanoTime();
        for (int i = 0; i < 101; i++) {
            fd.push(DeployEvents.first("blocking-" + i, ChangeStatus.PROCESSING, "t", BUILD, null, ""));
        }
        assertEquals(101, sim.flashduty().changes().size());
        assertEquals(0, sim.requests().all().stream().filter(r -> r.status() == 429).count());
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(900), "the 101st push waited for the next second");
    }

    @Test
    void aWrongKeyOrAMalformedUrlSaysSoWithoutTheKey() {
        ApiException e = assertThrows(ApiException.class,
                () -> client(pushUrl("secret-wrong-key")).push(DeployEvents.first("k", ChangeStatus.DONE, "t", BUILD, null, "")));
        assertEquals(Problem.BAD_CREDENTIALS, e.problem());
        assertTrue(e.getMessage().contains("custom change integration"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-wrong-key"));
        assertTrue(events.stream().noneMatch(r -> r.toString().contains("secret-wrong-key")), events.toString());
        for (String bad : List.of(sim.baseUrl() + "/event/push/change/standard", "not a url at all%", sim.baseUrl() + "?integration_key=abc",
                sim.baseUrl() + "/event/push/change/standard?integration_key=abc%zz", "/event/push/change/standard?integration_key=abc",
                "mailto:abc@example.com?integration_key=abc")) {
            ApiException m = assertThrows(ApiException.class, () -> client(bad), bad);
            assertEquals(Problem.INVALID_INPUT, m.problem());
            assertFalse(m.getMessage().contains("abc"), m.getMessage());
        }
    }

    @Test
    void theAdminsLabelsAreReadOneALine() {
        assertEquals(Map.of("team", "payments", "env", "prod"), DeployEvents.parseLabels("team=payments\n# comment\n\n env = prod "));
        assertThrows(IllegalArgumentException.class, () -> DeployEvents.parseLabels("no equals sign"));
        assertThrows(IllegalArgumentException.class, () -> DeployEvents.parseLabels("bad key=x"));
    }
}
