package io.jenkins.plugins.servicenowflashduty.client.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SimulatedInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many waits, one polling task, against the simulator's approval policies. */
class ApprovalWatcherTest {
    private Simulator sim;
    private ServiceNowClient client;
    private ScheduledExecutorService scheduler;
    private ApprovalWatcher watcher;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        client = SimulatedInstance.client(sim);
        scheduler = Executors.newSingleThreadScheduledExecutor();
        watcher = new ApprovalWatcher(client, scheduler, Clock.systemUTC(), Duration.ofMillis(20));
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        sim.close();
    }

    /** A normal change waiting in Assess. */
    private ApprovalWait waiting(long deadlineMillisFromNow) {
        Map<String, String> c = sim.serviceNow().insert("change_request", Map.of("short_description", "wait"));
        sim.serviceNow().insert("change_request", Map.of()); // an unrelated change in the table
        new Changes(client).requestApproval(new ChangeRef(c.get("sys_id"), c.get("number"), "normal", ChangeState.NEW, "", ""));
        return new ApprovalWait(c.get("sys_id"), c.get("number"), System.currentTimeMillis() + deadlineMillisFromNow);
    }

    /** A normal change this plugin opened (it carries the plugin's correlation), waiting in Assess. */
    private ApprovalWait ours(long deadlineMillisFromNow) {
        Map<String, String> c = sim.serviceNow().insert("change_request", Map.of("short_description", "deploy",
                "correlation_display", Changes.CORRELATION_DISPLAY));
        new Changes(client).requestApproval(new ChangeRef(c.get("sys_id"), c.get("number"), "normal", ChangeState.NEW, "", ""));
        return new ApprovalWait(c.get("sys_id"), c.get("number"), System.currentTimeMillis() + deadlineMillisFromNow);
    }

    /** The watcher's reads of the change table since the log was last cleared. */
    private List<String> changeQueries() {
        return sim.requests().matching(r -> r.method().equals("GET") && r.path().equals("/api/now/table/change_request"))
                .stream().map(r -> java.net.URLDecoder.decode(r.query(), java.nio.charset.StandardCharsets.UTF_8)).toList();
    }

    private static ApprovalOutcome await(CompletableFuture<ApprovalOutcome> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    private int pollQueries() {
        return sim.requests().matching(r -> r.method().equals("GET") && r.path().equals("/api/now/table/change_request")
                && r.query().contains("sys_idIN")).size();
    }

    @Test
    void approvalsArriveForEveryWaitFromOneQueryPerRound() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(3));
        List<ApprovalWait> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waits.add(waiting(60_000));
        }
        sim.requests().clear();
        List<CompletableFuture<ApprovalOutcome>> futures = waits.stream().map(w -> watcher.watch(w).outcome()).toList();
        for (CompletableFuture<ApprovalOutcome> f : futures) {
            ApprovalOutcome o = await(f);
            assertEquals(ApprovalOutcome.Result.APPROVED, o.result());
            assertEquals(ChangeState.SCHEDULED, o.state());
            assertTrue(o.message().endsWith(" was approved and is Scheduled."), o.message());
        }
        assertEquals(3, pollQueries()); // three rounds, one query each, for five changes
        assertEquals(0, watcher.pendingCount());
    }

    @Test
    void batchesHoldAtMostOneHundredChanges() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        List<ApprovalWait> waits = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            waits.add(waiting(60_000));
        }
        // rounds run only when the test says so
        ApprovalWatcher manual = new ApprovalWatcher(client, scheduler, Clock.systemUTC(), Duration.ofHours(1));
        List<CompletableFuture<ApprovalOutcome>> futures = waits.stream().map(w -> manual.watch(w).outcome()).toList();
        sim.requests().clear();
        manual.round().join();
        assertEquals(3, pollQueries());
        for (CompletableFuture<ApprovalOutcome> f : futures) {
            assertTrue(f.isDone() && f.get().approved());
        }
        sim.requests().matching(r -> r.query().contains("sys_idIN"))
                .forEach(r -> {
                    String ids = r.query().substring(r.query().indexOf("sys_idIN") + 8).split("&")[0];
                    assertTrue(ids.split("%2C", -1).length <= ApprovalWatcher.BATCH, ids);
                });
    }

    @Test
    void oneRequestPerRoundWhateverTheNumberOfWaits() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        List<ApprovalWait> waits = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            waits.add(ours(600_000));
        }
        ApprovalWatcher manual = new ApprovalWatcher(() -> client, scheduler, Runnable::run, Clock.systemUTC(), Duration.ofHours(1));
        List<CompletableFuture<ApprovalOutcome>> futures = new ArrayList<>(waits.stream().map(w -> manual.watch(w).outcome()).toList());
        sim.requests().clear();
        manual.round().join();
        assertEquals(3, changeQueries().size(), "the first round reads each change by sys_id, 100 a request");
        for (int round = 0; round < 5; round++) {
            sim.requests().clear();
            manual.round().join();
            List<String> queries = changeQueries();
            assertEquals(1, queries.size(), queries.toString());
            assertTrue(queries.get(0).contains("correlation_display=Jenkins^sys_updated_on>="), queries.get(0));
            assertFalse(queries.get(0).contains("sys_idIN"), "every change is followed by its updates: " + queries.get(0));
        }
        ApprovalWait late = ours(600_000); // a build starts waiting: read by sys_id in the same request
        futures.add(manual.watch(late).outcome());
        sim.requests().clear();
        manual.round().join();
        List<String> queries = changeQueries();
        assertEquals(1, queries.size(), queries.toString());
        assertTrue(queries.get(0).contains("^NQsys_idIN" + late.changeSysId()), queries.get(0));
        assertTrue(futures.stream().noneMatch(CompletableFuture::isDone));

        assertEquals(251, sim.serviceNow().decideAllWaiting(true, null)); // the change advisory board approves them all
        sim.requests().clear();
        manual.round().join();
        assertEquals(1, changeQueries().size());
        for (CompletableFuture<ApprovalOutcome> f : futures) {
            assertTrue(f.isDone() && f.get().approved());
        }
    }

    @Test
    void anUpdateTheQueryMissesAndADeletionAreFoundByTheSweep() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        MutableClock clock = new MutableClock();
        ApprovalWatcher manual = new ApprovalWatcher(() -> client, scheduler, Runnable::run, clock, Duration.ofHours(1), Duration.ofMinutes(5));
        ApprovalWait missed = ours(24 * 3_600_000L);
        ApprovalWait deleted = ours(24 * 3_600_000L);
        CompletableFuture<ApprovalOutcome> fm = manual.watch(missed).outcome();
        CompletableFuture<ApprovalOutcome> fd = manual.watch(deleted).outcome();
        manual.round().join();
        // approved in a transaction that committed long after its timestamp (or with a clock far behind): older than
        // anything the update query asks for
        sim.serviceNow().overwrite("change_request", missed.changeSysId(), Map.of("approval", "approved", "state", "-2",
                "sys_updated_on", "2020-01-01 00:00:00"));
        client.delete("change_request", deleted.changeSysId());
        manual.round().join();
        manual.round().join();
        assertFalse(fm.isDone(), "the update query cannot see it");
        assertFalse(fd.isDone(), "a deleted change has no update to see");
        clock.advance(Duration.ofMinutes(5));
        sim.requests().clear();
        manual.round().join();
        assertTrue(changeQueries().stream().allMatch(q -> q.startsWith("sysparm_exclude_reference_link") || q.contains("sys_idIN")),
                changeQueries().toString());
        assertTrue(await(fm).approved());
        assertEquals(ApprovalOutcome.Result.CANCELLED, await(fd).result());
        assertTrue(await(fd).message().contains("no longer exists"), await(fd).message());
    }

    @Test
    void anInstanceThatIgnoresTheUpdateFilterIsNoticedAndReadBySysIdFromThenOn() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        sim.serviceNow().ignoreQueriesOn("change_request", "sys_updated_on");
        Map<String, String> old = sim.serviceNow().insert("change_request", Map.of("short_description", "last year's deploy",
                "correlation_display", Changes.CORRELATION_DISPLAY));
        sim.serviceNow().overwrite("change_request", old.get("sys_id"), Map.of("sys_updated_on", "2020-01-01 00:00:00"));
        ApprovalWait w = ours(600_000);
        ApprovalWatcher manual = new ApprovalWatcher(() -> client, scheduler, Runnable::run, Clock.systemUTC(), Duration.ofHours(1));
        CompletableFuture<ApprovalOutcome> outcome = manual.watch(w).outcome();
        manual.round().join(); // the first read, by sys_id
        manual.round().join(); // the update query: last year's change comes back, so the filter was ignored
        sim.requests().clear();
        manual.round().join();
        List<String> queries = changeQueries();
        assertEquals(1, queries.size());
        assertTrue(queries.get(0).contains("sysparm_query=sys_idIN" + w.changeSysId()), queries.get(0));
        sim.serviceNow().decideApproval(w.changeSysId(), true, null);
        manual.round().join();
        assertTrue(await(outcome).approved());
    }

    @Test
    void rejectionCancellationDeletionAndDeadlinesEndWaits() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        ApprovalWait rejected = waiting(60_000);
        ApprovalWait canceled = waiting(60_000);
        ApprovalWait deleted = waiting(60_000);
        ApprovalWait late = waiting(0);
        ApprovalWait stopped = waiting(60_000);
        CompletableFuture<ApprovalOutcome> fr = watcher.watch(rejected).outcome();
        CompletableFuture<ApprovalOutcome> fc = watcher.watch(canceled).outcome();
        CompletableFuture<ApprovalOutcome> fd = watcher.watch(deleted).outcome();
        CompletableFuture<ApprovalOutcome> fl = watcher.watch(late).outcome();
        ApprovalWatcher.Watch ws = watcher.watch(stopped);
        CompletableFuture<ApprovalOutcome> fs = ws.outcome();
        sim.serviceNow().decideApproval(rejected.changeSysId(), false, "not this week");
        client.update("change_request", canceled.changeSysId(), Map.of("state", "4"));
        client.delete("change_request", deleted.changeSysId());
        ws.stop();
        assertEquals(ApprovalOutcome.Result.REJECTED, await(fr).result());
        assertEquals("Change " + rejected.number() + " was rejected.", await(fr).message());
        assertEquals(ApprovalOutcome.Result.CANCELLED, await(fc).result());
        assertEquals(ApprovalOutcome.Result.CANCELLED, await(fd).result());
        assertTrue(await(fd).message().contains("no longer exists"));
        assertEquals(ApprovalOutcome.Result.TIMED_OUT, await(fl).result());
        assertEquals(ApprovalOutcome.Result.STOPPED, await(fs).result());
    }

    @Test
    void transientFailuresSkipARound() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        ApprovalWait first = waiting(60_000);
        sim.faults().on("GET", "/api/now/table/change_request").times(8).respond(503);
        assertTrue(await(watcher.watch(first).outcome()).approved());
    }

    @Test
    void credentialsRefusedForAWhileAreRetriedWithANoticeAndTheWaitGoesOn() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        ApprovalWait w = waiting(60_000);
        sim.faults().on("GET", "/api/now/table/change_request").times(5).respond(401);
        List<String> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<ApprovalOutcome> outcome = watcher.watch(w, p -> { }, notices::add).outcome();
        long end = System.currentTimeMillis() + 10_000;
        while (notices.size() < 2 && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
        assertFalse(outcome.isDone(), "a refusal for a moment does not end the wait");
        assertTrue(notices.get(0).startsWith("ServiceNow at 127.0.0.1 did not accept the credentials"), notices.toString());
        assertTrue(notices.get(0).endsWith("trying again every poll for up to 10 minutes."), notices.toString());
        assertTrue(notices.get(1).startsWith("ServiceNow accepts the credentials again"), notices.toString());
        sim.serviceNow().decideApproval(w.changeSysId(), true, "ok");
        assertTrue(await(outcome).approved());
    }

    @Test
    void credentialsRefusedLongerThanThePatienceEndTheWaitWithTheSentence() throws Exception {
        MutableClock clock = new MutableClock();
        ApprovalWatcher manual = new ApprovalWatcher(() -> client, scheduler, Runnable::run, clock, Duration.ofHours(1));
        ApprovalWait w = waiting(24 * 3_600_000L);
        sim.faults().on("GET", "/api/now/table/change_request").respond(401);
        CompletableFuture<ApprovalOutcome> outcome = manual.watch(w).outcome();
        manual.round().join();
        clock.advance(Duration.ofMinutes(9));
        manual.round().join();
        assertFalse(outcome.isDone(), "within the patience");
        clock.advance(Duration.ofMinutes(2));
        manual.round().join();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> await(outcome));
        assertEquals(Problem.BAD_CREDENTIALS, ((ApiException) e.getCause()).problem());
    }

    @Test
    void aRotatedCredentialIsUsedFromTheNextPoll() throws Exception {
        java.util.concurrent.atomic.AtomicReference<ServiceNowClient> current =
                new java.util.concurrent.atomic.AtomicReference<>(SimulatedInstance.client(sim, "jenkins", "the-old-password"));
        ApprovalWatcher manual = new ApprovalWatcher(current::get, scheduler, Runnable::run, Clock.systemUTC(), Duration.ofHours(1));
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        ApprovalWait w = waiting(60_000);
        CompletableFuture<ApprovalOutcome> outcome = manual.watch(w).outcome();
        manual.round().join();
        assertFalse(outcome.isDone());
        current.set(client); // the admin stored the new password
        sim.serviceNow().decideApproval(w.changeSysId(), true, "ok");
        manual.round().join();
        assertTrue(await(outcome).approved());
    }

    @Test
    void anInstanceWhoseAnswersStallHoldsUpNeitherAnotherInstanceNorAnyDeadline() throws Exception {
        try (Simulator stalled = Simulator.start()) {
            java.util.concurrent.ExecutorService polls = Executors.newCachedThreadPool();
            try {
                ServiceNowClient stalledClient = SimulatedInstance.client(stalled);
                Map<String, String> c = stalled.serviceNow().insert("change_request", Map.of("short_description", "wait"));
                new Changes(stalledClient).requestApproval(new ChangeRef(c.get("sys_id"), c.get("number"), "normal", ChangeState.NEW, "", ""));
                stalled.faults().on("GET", "/api/now/table/change_request").stallBody(Duration.ofSeconds(60));
                ApprovalWatcher slow = new ApprovalWatcher(() -> stalledClient, scheduler, polls, Clock.systemUTC(), Duration.ofMillis(100));
                ApprovalWatcher fast = new ApprovalWatcher(() -> client, scheduler, polls, Clock.systemUTC(), Duration.ofMillis(100));
                CompletableFuture<ApprovalOutcome> slowWait = slow.watch(new ApprovalWait(c.get("sys_id"), c.get("number"),
                        System.currentTimeMillis() + 1_500)).outcome();
                sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
                ApprovalWait quick = waiting(60_000);
                CompletableFuture<ApprovalOutcome> fastWait = fast.watch(quick).outcome();
                Thread.sleep(500); // the stalled instance's poll now hangs mid-body
                long approvedAt = System.currentTimeMillis();
                sim.serviceNow().decideApproval(quick.changeSysId(), true, "ok");
                assertTrue(fastWait.get(5, TimeUnit.SECONDS).approved());
                assertTrue(System.currentTimeMillis() - approvedAt < 1_000, "resumed within a few intervals of the approval");
                ApprovalOutcome timedOut = slowWait.get(3, TimeUnit.SECONDS);
                assertEquals(ApprovalOutcome.Result.TIMED_OUT, timedOut.result());
                assertEquals("Change " + c.get("number") + " was not approved in time; the wait ended at its deadline.", timedOut.message());
            } finally {
                polls.shutdownNow();
            }
        }
    }

    /** A clock the test moves. */
    private static final class MutableClock extends Clock {
        private volatile java.time.Instant now = java.time.Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @Test
    void aWaitSurvivesSerialisationAndResumesInANewWatcher() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        ApprovalWait w = waiting(60_000);
        watcher.watch(w);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(w);
        }
        ApprovalWait restored;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            restored = (ApprovalWait) in.readObject();
        }
        assertEquals(w, restored);
        // as after a controller restart: a new watcher, the same wait
        ApprovalWatcher afterRestart = new ApprovalWatcher(client, scheduler, Clock.systemUTC(), Duration.ofMillis(20));
        CompletableFuture<ApprovalOutcome> resumed = afterRestart.watch(restored).outcome();
        sim.serviceNow().decideApproval(w.changeSysId(), true, null);
        assertTrue(await(resumed).approved());
    }

    @Test
    void progressIsReportedOncePerChangeOfStateNeverOncePerPoll() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(4));
        ApprovalWait w = waiting(60_000);
        List<ApprovalWatcher.Progress> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertTrue(await(watcher.watch(w, seen::add).outcome()).approved());
        assertEquals(List.of(ChangeState.ASSESS, ChangeState.SCHEDULED), seen.stream().map(ApprovalWatcher.Progress::state).toList());
        assertEquals(List.of("requested", "approved"), seen.stream().map(ApprovalWatcher.Progress::approval).toList());
    }

    @Test
    void twoBuildsWaitingOnOneChangeWaitEachOnTheirOwn() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        ApprovalWait w = waiting(60_000);
        ApprovalWatcher.Watch first = watcher.watch(w);
        ApprovalWatcher.Watch second = watcher.watch(new ApprovalWait(w.changeSysId(), w.number(), System.currentTimeMillis() + 200));
        ApprovalWatcher.Watch third = watcher.watch(w);
        assertEquals(3, watcher.pendingCount());
        first.stop();
        assertEquals(ApprovalOutcome.Result.STOPPED, await(first.outcome()).result());
        assertEquals(ApprovalOutcome.Result.TIMED_OUT, await(second.outcome()).result()); // its own deadline
        assertFalse(third.outcome().isDone());
        sim.serviceNow().decideApproval(w.changeSysId(), true, null);
        assertTrue(await(third.outcome()).approved());
    }

    @Test
    void statesThisClientCannotMapEndOnlyTheirOwnWaitsAndDeadlinesStillApply() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
        // legacy model: Open and approved is approved; Closed Skipped ends the wait; a hidden or custom state waits on
        Map<String, String> legacyApproved = stored(Map.of("state", "1", "approval", "approved"));
        Map<String, String> legacySkipped = stored(Map.of("state", "7", "approval", "requested"));
        Map<String, String> custom = stored(Map.of("state", "", "approval", "requested")); // state hidden by an ACL
        ApprovalWait normal = waiting(60_000);
        ApprovalWatcher.Watch a = watcher.watch(new ApprovalWait(legacyApproved.get("sys_id"), legacyApproved.get("number"), System.currentTimeMillis() + 60_000));
        ApprovalWatcher.Watch b = watcher.watch(new ApprovalWait(legacySkipped.get("sys_id"), legacySkipped.get("number"), System.currentTimeMillis() + 60_000));
        ApprovalWatcher.Watch c = watcher.watch(new ApprovalWait(custom.get("sys_id"), custom.get("number"), System.currentTimeMillis() + 300));
        ApprovalWatcher.Watch d = watcher.watch(normal);
        sim.serviceNow().decideApproval(normal.changeSysId(), true, null);
        assertEquals(ApprovalOutcome.Result.APPROVED, await(a.outcome()).result());
        assertEquals(ChangeState.OPEN, await(a.outcome()).state());
        assertEquals(ApprovalOutcome.Result.CANCELLED, await(b.outcome()).result());
        assertEquals(ApprovalOutcome.Result.TIMED_OUT, await(c.outcome()).result());
        assertTrue(await(d.outcome()).approved());
    }

    /** A change holding values the state model would refuse, as another instance's model stores them. */
    private Map<String, String> stored(Map<String, String> values) {
        Map<String, String> c = sim.serviceNow().insert("change_request", Map.of("short_description", "elsewhere"));
        sim.serviceNow().overwrite("change_request", c.get("sys_id"), values);
        return c;
    }

    @Test
    void readingALegacyChangeBlamesNobody() {
        Map<String, String> legacy = stored(Map.of("state", "2", "approval", "approved"));
        ChangeRef read = new Changes(client).refresh(new ChangeRef(legacy.get("sys_id"), legacy.get("number"), "normal", ChangeState.NEW, "", ""));
        assertEquals(ChangeState.WORK_IN_PROGRESS, read.state());
        assertEquals(ChangeState.UNKNOWN, ChangeState.fromServer(""));
        assertEquals(ChangeState.UNKNOWN, ChangeState.fromServer("99"));
    }
}
