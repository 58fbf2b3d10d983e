package io.jenkins.plugins.servicenowflashduty.client.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.flashduty.EventStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.TriggerOptions;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.RecordingSleeper;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest;
import io.jenkins.plugins.servicenowflashduty.client.incident.Incidents;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SimulatedInstance;
import io.jenkins.plugins.servicenowflashduty.client.worknote.JournalField;
import io.jenkins.plugins.servicenowflashduty.client.worknote.TicketRef;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery queue against the simulator over real HTTP: outages, order per key, restarts, a full queue. */
class OutboxTest {
    private static final String INSTANCE = "sandbox";
    @TempDir
    Path dir;
    private Simulator sim;
    private final TestClock clock = new TestClock();
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private Outbox outbox;

    @BeforeEach
    void start() throws IOException {
        sim = Simulator.start();
        outbox = open(targets());
    }

    @AfterEach
    void stop() {
        outbox.close();
        sim.close();
    }

    private Outbox open(QueuedWrites.Targets targets) throws IOException {
        return open(d -> QueuedWrites.perform(d, targets), 100);
    }

    private Outbox open(Outbox.Handler handler, int capacity) throws IOException {
        return Outbox.open(dir, capacity, new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10)), clock, handler, new Outbox.Observer() {
            @Override
            public void delivered(Delivery d) {
                delivered.add(d.kind());
            }
        });
    }

    private QueuedWrites.Targets targets() {
        return new QueuedWrites.Targets() {
            @Override
            public ServiceNowClient serviceNow(String instance, Delivery d) {
                assertEquals(INSTANCE, instance);
                return SimulatedInstance.client(sim);
            }

            @Override
            public FlashdutyClient flashduty(Delivery d) {
                return new FlashdutyClient(sim.baseUrl(), true, SecretValue.of(FlashdutySimulator.INTEGRATION_KEY),
                        HttpSettings.defaults("x").withSleeper(new RecordingSleeper()));
            }
        };
    }

    private static BuildContext build(int n, String result) {
        return new BuildContext("team/nightly", n, "https://ci.example.com/job/team/job/nightly/" + n + "/", result, "", "", "ci.example.com");
    }

    private List<Map<String, String>> incidents() {
        return sim.serviceNow().records("incident");
    }

    /** Passes of the worker, each after the longest backoff, until nothing is left or the limit is reached. */
    private void deliverOverTime(int passes) {
        for (int i = 0; i < passes && !outbox.pending().isEmpty(); i++) {
            outbox.deliverDue();
            clock.advance(Duration.ofMinutes(11));
        }
    }

    @Test
    void aRaiseQueuedWhileServiceNowRefusesEverythingArrivesOnceItIsBack() {
        sim.faults().on("*", "/api/now").respond(503);
        outbox.add(QueuedWrites.raise(INSTANCE, build(7, "FAILURE"), IncidentRequest.defaults()), "team/nightly#7");
        deliverOverTime(5);

        assertEquals(1, outbox.pending().size());
        Delivery waiting = outbox.pending().get(0);
        assertEquals(5, waiting.attempts());
        assertFalse(waiting.held(), "an outage is waited out, not held");
        assertTrue(waiting.lastError().contains("503"), waiting.lastError());
        OutboxHealth health = outbox.health();
        assertEquals(5, health.mostAttempts());
        assertEquals(1, health.failing());
        assertTrue(health.needsAttention(3));
        assertEquals(waiting.lastError(), health.lastError());
        assertTrue(incidents().isEmpty());

        sim.faults().clear();
        deliverOverTime(1);
        assertTrue(outbox.pending().isEmpty());
        assertEquals(1, incidents().size());
        assertEquals("jenkins:ci.example.com:team/nightly", incidents().get(0).get("correlation_id"));
        assertEquals(0, outbox.health().failing());
        assertNull(outbox.health().failingSince());
        assertEquals(List.of(QueuedWrites.RAISE), delivered);
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "a delivered write leaves nothing behind");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deliveriesThatGoOutElsewhereDoNotHideOnesThatKeepFailing() {
        sim.faults().on("*", "/api/now").respond(503); // ServiceNow down, Flashduty fine
        outbox.add(QueuedWrites.raise(INSTANCE, build(7, "FAILURE"), IncidentRequest.defaults()), "");
        for (int n = 8; n < 12; n++) {
            outbox.add(QueuedWrites.alert(build(n, "FAILURE"), TriggerOptions.defaults(), false), "");
            outbox.deliverDue();
            clock.advance(Duration.ofMinutes(11));
        }
        OutboxHealth health = outbox.health();
        assertEquals(1, health.pending());
        assertEquals(1, health.failing());
        assertEquals(4, health.mostAttempts());
        assertTrue(health.needsAttention(3), "the incident has failed 4 times, whatever the alerts did: " + health);
        assertTrue(health.lastError().contains("503"), health.lastError());
        assertEquals(outbox.pending().get(0).firstAttemptAt(), health.failingSince());
    }

    @Test
    void aResolveNeverOvertakesItsRaiseButOtherKeysGoOn() {
        sim.faults().on("POST", "/api/now/table/incident").respond(503); // creates fail, queries and updates work
        outbox.add(QueuedWrites.raise(INSTANCE, build(7, "FAILURE"), IncidentRequest.defaults()), "");
        outbox.add(QueuedWrites.resolve(INSTANCE, build(8, "SUCCESS"), null, null, null), "");
        outbox.add(QueuedWrites.alert(build(7, "FAILURE"), TriggerOptions.defaults(), false), "");
        outbox.deliverDue();

        assertEquals(List.of(QueuedWrites.ALERT), delivered, "the alert has its own key");
        assertEquals(2, outbox.pending().size());
        assertEquals(0, outbox.pending().get(1).attempts(), "the resolve waits for its raise");

        sim.faults().clear();
        deliverOverTime(3);
        assertEquals(List.of(QueuedWrites.ALERT, QueuedWrites.RAISE, QueuedWrites.RESOLVE), delivered);
        assertEquals(1, incidents().size());
        assertEquals("6", incidents().get(0).get("state"), "raised, then resolved: in that order");
    }

    @Test
    void aRaiseThatWentOutBeforeTheControllerStoppedIsNotRepeatedAfterTheRestart() throws IOException {
        outbox.close();
        // the write happens, then the controller stops before the queue records it
        outbox = open(d -> {
            QueuedWrites.perform(d, targets());
            throw new IllegalStateException("controller stopped");
        }, 100);
        outbox.add(QueuedWrites.raise(INSTANCE, build(7, "FAILURE"), IncidentRequest.defaults()), "");
        outbox.deliverDue();
        assertEquals(1, incidents().size());
        outbox.close();

        outbox = open(targets());
        assertEquals(1, outbox.pending().size(), "still queued after the restart");
        deliverOverTime(2);
        assertTrue(outbox.pending().isEmpty());
        assertEquals(1, incidents().size(), "one incident, not two");
        String sysId = incidents().get(0).get("sys_id");
        assertTrue(sim.serviceNow().journal("incident", sysId, "work_notes").isEmpty(), "and no 'failed again' note for its own build");
    }

    @Test
    void aNoteOnAnOpenIncidentIsNotWrittenTwiceAfterARestart() throws IOException {
        new Incidents(SimulatedInstance.client(sim)).raise(build(6, "FAILURE"), IncidentRequest.defaults());
        outbox.close();
        outbox = open(d -> {
            QueuedWrites.perform(d, targets());
            throw new IllegalStateException("controller stopped");
        }, 100);
        outbox.add(QueuedWrites.raise(INSTANCE, build(7, "FAILURE"), IncidentRequest.defaults()), "");
        outbox.add(QueuedWrites.note(INSTANCE, TicketRef.number(incidents().get(0).get("number")), JournalField.WORK_NOTES,
                "Deployed to staging", "team/nightly #7"), "");
        outbox.deliverDue();
        outbox.close();

        outbox = open(targets());
        deliverOverTime(2);
        assertTrue(outbox.pending().isEmpty());
        assertEquals(1, incidents().size());
        List<String> notes = sim.serviceNow().journal("incident", incidents().get(0).get("sys_id"), "work_notes");
        assertEquals(2, notes.size(), "one 'failed again' note and one work note: " + notes);
    }

    @Test
    void anIdenticalNoteFromAnEarlierBuildDoesNotCountAsThisDeliverysOwn() throws IOException {
        new Incidents(SimulatedInstance.client(sim)).raise(build(6, "FAILURE"), IncidentRequest.defaults());
        String number = incidents().get(0).get("number");
        outbox.add(QueuedWrites.note(INSTANCE, TicketRef.number(number), JournalField.WORK_NOTES, "Nightly failed", "#6"), "");
        outbox.deliverDue();
        // the second one fails once after ServiceNow wrote it, so its repeat has to look
        sim.faults().on("PATCH", "/api/now/table/incident").times(1).afterProcessing().respond(502);
        clock.advance(Duration.ofHours(2));
        outbox.add(QueuedWrites.note(INSTANCE, TicketRef.number(number), JournalField.WORK_NOTES, "Nightly failed", "#7"), "");
        deliverOverTime(3);
        assertEquals(2, sim.serviceNow().journal("incident", incidents().get(0).get("sys_id"), "work_notes").size());
    }

    @Test
    void badInputIsRefusedWhenQueuedNotWhenItReachesTheHeadOfItsLine() {
        ApiException urgency = assertThrows(ApiException.class, () -> QueuedWrites.raise(INSTANCE, build(7, "FAILURE"),
                new IncidentRequest(null, null, null, "9", null, null, null, null, null, null, Map.of(), null)));
        assertEquals("'9' is not a valid urgency; use 1 (high), 2 (medium) or 3 (low).", urgency.getMessage());
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            labels.put("l" + i, "v");
        }
        ApiException tooMany = assertThrows(ApiException.class, () -> QueuedWrites.alert(build(7, "FAILURE"),
                new TriggerOptions(null, null, null, null, labels, null), false));
        assertTrue(tooMany.getMessage().startsWith("An alert can have at most 50 labels"), tooMany.getMessage());
        assertThrows(ApiException.class, () -> QueuedWrites.note(INSTANCE, TicketRef.of("INC0010001", null, null),
                JournalField.WORK_NOTES, " ", "x"));
        assertTrue(outbox.pending().isEmpty());
    }

    @Test
    void aWriteTheServiceRefusesAsInvalidIsDroppedAndReportedNotHeldInFrontOfTheOthers() throws IOException {
        List<String> dropped = new CopyOnWriteArrayList<>();
        outbox.close();
        outbox = Outbox.open(dir, 100, new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10)), clock,
                d -> QueuedWrites.perform(d, targets()), new Outbox.Observer() {
                    @Override
                    public void delivered(Delivery d) {
                        delivered.add(d.kind());
                    }

                    @Override
                    public void dropped(Delivery d, String sentence) {
                        dropped.add(d.kind() + ": " + sentence);
                    }
                });
        sim.faults().on("POST", "/api/now/table/incident").times(1).respond(400);
        outbox.add(QueuedWrites.raise(INSTANCE, build(7, "FAILURE"), IncidentRequest.defaults()), "");
        outbox.add(QueuedWrites.resolve(INSTANCE, build(8, "SUCCESS"), null, null, null), "");
        outbox.deliverDue();
        assertTrue(outbox.pending().isEmpty(), "neither held nor left behind: " + outbox.pending());
        assertEquals(1, dropped.size(), dropped.toString());
        assertTrue(dropped.get(0).startsWith(QueuedWrites.RAISE + ": "), dropped.toString());
        assertEquals(0, outbox.health().held());
    }

    @Test
    void whatJenkinsCannotCarryOutIsHeldForAnAdministratorWhoMayRetryOrDiscardIt() throws IOException {
        outbox.close();
        outbox = open(d -> {
            if (d.kind().equals(QueuedWrites.RAISE)) {
                throw new Undeliverable("The ServiceNow instance 'gone' is not configured.");
            }
            QueuedWrites.perform(d, targets());
        }, 100);
        outbox.add(QueuedWrites.raise(INSTANCE, build(7, "FAILURE"), IncidentRequest.defaults()), "");
        outbox.add(QueuedWrites.resolve(INSTANCE, build(8, "SUCCESS"), null, null, null), "");
        deliverOverTime(3);
        Delivery held = outbox.pending().get(0);
        assertTrue(held.held());
        assertEquals(1, held.attempts(), "not tried again by itself");
        assertEquals(1, outbox.health().held());
        assertTrue(outbox.retry(held.id()));
        outbox.deliverDue();
        assertEquals(2, outbox.pending().get(0).attempts());
        assertTrue(outbox.discard(held.id()));
        assertFalse(outbox.discard(held.id()));
        outbox.deliverDue();
        assertTrue(outbox.pending().isEmpty(), "the resolve behind it went");
        assertEquals(List.of(QueuedWrites.RESOLVE), delivered);
    }

    @Test
    void oneJobCannotTakeMoreThanItsShareOfTheQueue() {
        outbox.limitPerGroup(2, origin -> origin.substring(0, origin.indexOf('#')));
        outbox.add(QueuedWrites.resolve(INSTANCE, build(1, "SUCCESS"), null, null, null), "loop#1");
        outbox.add(QueuedWrites.resolve(INSTANCE, build(2, "SUCCESS"), null, null, null), "loop#2");
        QueueFullException full = assertThrows(QueueFullException.class,
                () -> outbox.add(QueuedWrites.resolve(INSTANCE, build(3, "SUCCESS"), null, null, null), "loop#3"));
        assertTrue(full.getMessage().startsWith("The delivery queue already holds 2 deliveries from loop, its share; "), full.getMessage());
        outbox.add(QueuedWrites.resolve(INSTANCE, build(4, "SUCCESS"), null, null, null), "other#1");
        assertEquals(3, outbox.pending().size(), "another job still gets its place");
    }

    @Test
    void aFullQueueRefusesWithASentenceAndCountsIt() throws IOException {
        outbox.close();
        outbox = open(d -> QueuedWrites.perform(d, targets()), 2);
        outbox.add(QueuedWrites.raise(INSTANCE, build(1, "FAILURE"), IncidentRequest.defaults()), "");
        outbox.add(QueuedWrites.resolve(INSTANCE, build(2, "SUCCESS"), null, null, null), "");
        QueueFullException full = assertThrows(QueueFullException.class,
                () -> outbox.add(QueuedWrites.raise(INSTANCE, build(3, "FAILURE"), IncidentRequest.defaults()), ""));
        assertEquals("The delivery queue already holds 2 deliveries, its limit; raise the incident jenkins:ci.example.com:team/nightly "
                + "for team/nightly #3 was not queued.", full.getMessage());
        assertEquals(1, outbox.health().refused());
        assertTrue(outbox.health().needsAttention(3));
    }

    @Test
    void anUnreadableFileIsSetAsideAndReported() throws IOException {
        outbox.add(QueuedWrites.resolve(INSTANCE, build(2, "SUCCESS"), null, null, null), "");
        outbox.close();
        Files.writeString(dir.resolve("000000000009-broken.json"), "{ not json");
        outbox = open(targets());
        assertEquals(1, outbox.pending().size());
        assertEquals(1, outbox.health().unreadable());
        assertTrue(Files.exists(dir.resolve("000000000009-broken.json.unreadable")));
        outbox.add(QueuedWrites.resolve(INSTANCE, build(3, "SUCCESS"), null, null, null), "");
        assertEquals(List.of(1L, 2L), outbox.pending().stream().map(Delivery::sequence).toList(), "numbering goes on after the restart");
    }

    @Test
    void theWorkerDeliversAnAlertAndItsRecoveryInTheBackgroundAfterAnOutage() throws Exception {
        outbox.close();
        Clock real = Clock.systemUTC();
        outbox = Outbox.open(dir, 100, new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)), real,
                d -> QueuedWrites.perform(d, targets()), new Outbox.Observer() { });
        sim.faults().on("POST", "/event/").times(3).respond(500);
        outbox.start();
        outbox.add(QueuedWrites.alert(build(7, "FAILURE"), new TriggerOptions(EventStatus.CRITICAL, null, null, "nightly", Map.of(), null),
                false), "");
        outbox.add(QueuedWrites.alert(build(8, "SUCCESS"), new TriggerOptions(null, null, null, "nightly", Map.of(), null), true), "");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!outbox.pending().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(outbox.pending().isEmpty(), "left: " + outbox.pending());
        var alert = sim.flashduty().alert("nightly").orElseThrow();
        assertEquals(List.of("Critical", "Ok"), alert.events().stream().map(e -> e.status()).toList());
        assertTrue(alert.recovered());
    }

    @Test
    void withoutAThreadOfItsOwnTheQueueIsWokenByATimerAndDeliversThroughAnOutage() throws Exception {
        outbox.close();
        java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            outbox = Outbox.open(dir, 100, new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)), Clock.systemUTC(),
                    d -> QueuedWrites.perform(d, targets()), new Outbox.Observer() { }, 4);
            sim.faults().on("POST", "/event/").times(3).respond(500);
            outbox.start(timer);
            outbox.add(QueuedWrites.alert(build(7, "FAILURE"), new TriggerOptions(EventStatus.CRITICAL, null, null, "nightly", Map.of(),
                    null), false), "");
            outbox.add(QueuedWrites.alert(build(8, "SUCCESS"), new TriggerOptions(null, null, null, "nightly", Map.of(), null), true), "");
            outbox.add(QueuedWrites.resolve(INSTANCE, build(8, "SUCCESS"), null, null, null), "");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!outbox.pending().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(outbox.pending().isEmpty(), "left: " + outbox.pending());
            var alert = sim.flashduty().alert("nightly").orElseThrow();
            assertEquals(List.of("Critical", "Ok"), alert.events().stream().map(e -> e.status()).toList(),
                    "the backoffs after the outage were timers, in order per key");
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("ServiceNow and Flashduty deliveries timer")),
                    "the host's scheduler waits for the next delivery: the queue made no timer thread of its own");
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aSlowKeyDoesNotHoldUpTheOthersWhenSendingSideBySide() throws Exception {
        outbox.close();
        CountDownLatch otherKeyDone = new CountDownLatch(1);
        outbox = Outbox.open(dir, 100, new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10)), clock, d -> {
            if (d.key().equals("slow")) {
                // a Flashduty answering after a long Retry-After, say: it must not keep the other key waiting
                if (!otherKeyDone.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other key was held up behind this one");
                }
            } else {
                otherKeyDone.countDown();
            }
        }, new Outbox.Observer() {
            @Override
            public void delivered(Delivery d) {
                delivered.add(d.key());
            }
        }, 2);
        outbox.add(new QueuedWrites.Write("slow", "test", "a slow one", Json.MAPPER.createObjectNode()), "");
        outbox.add(new QueuedWrites.Write("quick", "test", "a quick one", Json.MAPPER.createObjectNode()), "");
        assertEquals(2, outbox.deliverDue());
        assertEquals(java.util.Set.of("quick", "slow"), java.util.Set.copyOf(delivered), "both went out, the slow one after the quick one was done");
    }

    /** A clock the test moves, so backoffs pass without waiting. */
    @Test
    void aDirectoryThatCannotBeWrittenIsReportedAndRetriedAfterAPauseNotInABusyLoop() throws Exception {
        outbox.close();
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        Clock counting = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                reads.incrementAndGet();
                return Instant.now();
            }
        };
        Path queue = dir.resolve("queue");
        outbox = Outbox.open(queue, 100, new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10)), counting,
                d -> QueuedWrites.perform(d, targets()), new Outbox.Observer() { });
        outbox.add(QueuedWrites.resolve(INSTANCE, build(2, "SUCCESS"), null, null, null), "");
        // the disk goes away under the queue (root ignores permissions, so the directory becomes a file)
        try (java.util.stream.Stream<Path> files = Files.list(queue)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(queue);
        Files.writeString(queue, "not a directory");
        reads.set(0);
        outbox.start();
        Thread.sleep(2_500);
        assertTrue(reads.get() < 100, "a pause between passes, not a busy loop: " + reads.get() + " clock reads in 2.5 s");
        OutboxHealth health = outbox.health();
        assertTrue(health.queueProblem().startsWith("Could not write the delivery queue in " + queue), health.queueProblem());
        assertTrue(health.needsAttention(3));
    }

    @Test
    void retryPressedWhileAnAttemptIsUnderWayIsNotLostWhenThatAttemptFails() throws Exception {
        outbox.close();
        CountDownLatch attempting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        outbox = open(d -> {
            attempting.countDown();
            release.await(10, TimeUnit.SECONDS);
            throw new java.io.IOException("the service is down");
        }, 100);
        Delivery queued = outbox.add(QueuedWrites.resolve(INSTANCE, build(2, "SUCCESS"), null, null, null), "");
        Thread attempt = new Thread(outbox::deliverDue);
        attempt.start();
        assertTrue(attempting.await(10, TimeUnit.SECONDS));
        assertTrue(outbox.retry(queued.id()), "the administrator presses Retry meanwhile");
        release.countDown();
        attempt.join(10_000);
        Delivery after = outbox.pending().get(0);
        assertEquals("the service is down", after.lastError());
        assertFalse(after.nextAttemptAt().isAfter(clock.instant()), "due now, as the administrator asked, not after the backoff");
    }

    @Test
    void aWorkerThatMeetsAnErrorGoesOnAndSaysSo() throws Exception {
        outbox.close();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        List<String> problems = new CopyOnWriteArrayList<>();
        outbox = Outbox.open(dir, 100, new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10)), Clock.systemUTC(), d -> {
            if (calls.incrementAndGet() == 1) {
                throw new NoClassDefFoundError("a class a handler needed");
            }
        }, new Outbox.Observer() {
            @Override
            public void unexpected(Throwable t) {
                problems.add(outbox.health().queueProblem());
            }
        });
        outbox.add(QueuedWrites.resolve(INSTANCE, build(2, "SUCCESS"), null, null, null), "");
        outbox.start();
        long end = System.currentTimeMillis() + 10_000;
        while (!outbox.pending().isEmpty() && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        assertTrue(outbox.pending().isEmpty(), "delivered by the same worker after the error");
        assertEquals(List.of("The delivery worker met an unexpected NoClassDefFoundError; it goes on, and the controller log has the details."),
                problems);
        assertEquals("", outbox.health().queueProblem(), "cleared once deliveries go out again");
    }

    private static final class TestClock extends Clock {
        private Instant now = Instant.now(); // ServiceNow (the simulator) stamps journal entries with the real time

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
