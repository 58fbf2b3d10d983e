package io.jenkins.plugins.servicenowflashduty.client.change;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SimulatedInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Planned windows, conflict detection and first_available against the simulator over real HTTP. */
class ChangeSchedulingTest {
    private static final DateTimeFormatter SN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private Simulator sim;
    private ServiceNowClient client;
    private Changes changes;
    private ChangeScheduling scheduling;
    /** The pauses between the reads of a poll, taken at once. */
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final BiConsumer<Duration, Runnable> pause = (d, task) -> {
        pauses.add(d);
        task.run();
    };
    private Instant now;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        client = SimulatedInstance.client(sim);
        changes = new Changes(client);
        scheduling = new ChangeScheduling(client, pause, Instant::now);
        now = sim.clock().instant().truncatedTo(ChronoUnit.MINUTES);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private ChangeRef open(ChangeType type, String ci, Instant start, Instant end) {
        return changes.open(ChangesTest.BUILD, new ChangeRequest(type, null, "Deploy shop", null, null, ci, null, null,
                start == null ? null : SN.format(start), end == null ? null : SN.format(end), null, null, null, null));
    }

    private List<Conflict> check(ChangeRef c) {
        return scheduling.checkConflicts(c, scheduling.planned(c).window());
    }

    @Test
    void noConflictForAFreeWindowAfterWaitingForTheCheckToComplete() {
        ChangeRef c = open(ChangeType.NORMAL, "web-frontend", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        assertEquals(List.of(), check(c));
        assertEquals(1, pauses.size(), "the check ran a moment: " + pauses);
        assertEquals("No Conflict", sim.serviceNow().record("change_request", c.sysId()).orElseThrow().get("conflict_status"));
        // a change without a configuration item cannot be scheduled by ServiceNow: its sentence, not a guess
        ApiException e = assertThrows(ApiException.class, () -> scheduling.firstAvailable(open(ChangeType.NORMAL, null,
                now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)))));
        assertTrue(e.getMessage().contains("doesn't have an associated configuration item"), e.getMessage());
    }

    @Test
    void aBlackoutRefusesANormalChangeNamingItAndItsEnd() {
        Instant end = now.plus(Duration.ofDays(2));
        sim.serviceNow().schedules().addSchedule("blackout", "Year-end freeze", now.minus(Duration.ofHours(1)), end, List.of());
        ChangeRef c = open(ChangeType.NORMAL, "web-frontend", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        List<Conflict> found = check(c);
        assertEquals(1, found.size());
        Conflict blackout = found.get(0);
        assertTrue(blackout.isBlackout());
        assertEquals("Year-end freeze", blackout.schedule());
        assertEquals(end, blackout.scheduleEnd());
        Optional<String> refusal = ChangeScheduling.refusal(c, ChangeType.NORMAL, found, false);
        assertEquals("Change " + c.number() + " falls in the blackout 'Year-end freeze' until " + ChangeWindow.shown(end)
                + " on web-frontend; the deployment does not run in a blackout. Plan the change after it (or use scheduleFirstAvailable: true);"
                + " only an emergency change goes ahead in a blackout.", refusal.orElseThrow());
    }

    @Test
    void anEmergencyChangeGoesAheadInABlackout() {
        sim.serviceNow().schedules().addSchedule("blackout", "Freeze", now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), List.of());
        ChangeRef c = open(ChangeType.EMERGENCY, "web-frontend", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        List<Conflict> found = check(c);
        assertTrue(found.get(0).isBlackout());
        assertEquals(Optional.empty(), ChangeScheduling.refusal(c, ChangeType.EMERGENCY, found, true));
    }

    @Test
    void otherConflictsRefuseOnlyWhenAskedTo() {
        ChangeRef first = open(ChangeType.NORMAL, "payments-api", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(3)));
        ChangeRef second = open(ChangeType.NORMAL, "payments-api", now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(4)));
        List<Conflict> found = check(second);
        assertEquals("ci_already_scheduled", found.get(0).type());
        assertEquals(first.number(), found.get(0).conflictingChange());
        assertEquals(Optional.empty(), ChangeScheduling.refusal(second, ChangeType.NORMAL, found, false));
        String refusal = ChangeScheduling.refusal(second, ChangeType.NORMAL, found, true).orElseThrow();
        assertTrue(refusal.startsWith("Change " + second.number() + " has conflicts: CI Already Scheduled (" + first.number()
                + ") on payments-api."), refusal);
    }

    @Test
    void withoutTheConflictPluginTheCheckSaysSoInOneSentence() {
        sim.serviceNow().schedules().setConflictPluginInstalled(false);
        ChangeRef c = open(ChangeType.NORMAL, "web-frontend", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        ApiException e = assertThrows(ApiException.class, () -> check(c));
        assertEquals(Problem.NOT_FOUND, e.problem());
        assertTrue(e.getMessage().contains("has no change conflict detection"), e.getMessage());
        assertThrows(ApiException.class, () -> scheduling.firstAvailable(c));
    }

    @Test
    void aChangeWithoutAWindowIsNotCheckedAsIfItHadNoConflicts() {
        ChangeRef c = open(ChangeType.NORMAL, "web-frontend", null, null);
        ApiException e = assertThrows(ApiException.class, () -> check(c));
        assertEquals(Problem.INVALID_INPUT, e.problem());
        assertTrue(e.getMessage().contains("give change " + c.number() + " a planned start and end"), e.getMessage());
    }

    @Test
    void theCheckIsAwaitedOnATimerWithoutHoldingTheCallersThread() throws Exception {
        ChangeRef c = open(ChangeType.NORMAL, "web-frontend", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        List<Runnable> later = new CopyOnWriteArrayList<>();
        ChangeScheduling held = new ChangeScheduling(client, (d, task) -> later.add(task), Instant::now);
        CompletableFuture<List<Conflict>> check = held.checkConflictsAsync(c, held.planned(c).window(), Runnable::run);
        // the call returned with the check still running; its next read waits for a timer, not in a thread
        long deadline = System.currentTimeMillis() + 10_000;
        while (later.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, later.size(), "one read of the running check, then a pause on a timer");
        assertFalse(check.isDone());
        later.get(0).run();
        assertEquals(List.of(), check.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aCheckThatNeverFinishesIsCanceledAfterTheTimeout() {
        ChangeRef c = open(ChangeType.NORMAL, "web-frontend", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        Instant t0 = Instant.now();
        int[] reads = {0};
        // the deadline is taken at the first reading of the clock; at the next one the check (still running) is past it
        ChangeScheduling impatient = new ChangeScheduling(client, pause,
                () -> reads[0]++ == 0 ? t0 : t0.plus(ChangeScheduling.CHECK_TIMEOUT).plusSeconds(1));
        ApiException e = assertThrows(ApiException.class, () -> impatient.checkConflicts(c, impatient.planned(c).window()));
        assertEquals(Problem.TIMEOUT, e.problem());
        assertTrue(sim.requests().all().stream().anyMatch(r -> r.method().equals("DELETE") && r.path().endsWith("/conflict")));
    }

    @Test
    void firstAvailableMovesTheChangePastTheBlackout() {
        Instant blackoutEnd = now.plus(Duration.ofHours(5));
        sim.serviceNow().schedules().addSchedule("blackout", "Freeze", now.minus(Duration.ofHours(1)), blackoutEnd, List.of("web-frontend"));
        ChangeRef c = open(ChangeType.NORMAL, "web-frontend", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        ChangeWindow moved = scheduling.firstAvailable(c);
        assertEquals(new ChangeWindow(blackoutEnd, blackoutEnd.plus(Duration.ofHours(1))), moved);
        assertEquals(List.of(), check(c));
    }

    @Test
    void configurationItemsAddedToTheChangeAreChecked() {
        sim.serviceNow().schedules().addSchedule("blackout", "DB freeze", now, now.plus(Duration.ofDays(1)), List.of("orders-db"));
        ChangeRef c = open(ChangeType.NORMAL, "web-frontend", now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)));
        scheduling.addConfigurationItems(c, List.of("orders-db"));
        assertEquals("orders-db", check(c).get(0).configurationItem());
        ApiException e = assertThrows(ApiException.class, () -> scheduling.addConfigurationItems(c, List.of("no-such-ci")));
        assertTrue(e.getMessage().contains("no-such-ci"), e.getMessage());
    }

    @Test
    void aPlannedWindowFromADuration() {
        Instant at = Instant.parse("2026-12-04T10:00:00Z");
        assertArrayEquals(new String[] {"2026-12-04 10:00:00", "2026-12-04 10:45:00"}, ChangeWindow.plan(null, null, 45, at));
        assertArrayEquals(new String[] {"2026-12-05 08:00:00", "2026-12-05 10:00:00"},
                ChangeWindow.plan("2026-12-05T09:00:00+01:00", null, 120, at));
        assertArrayEquals(new String[] {null, null}, ChangeWindow.plan(null, null, null, at));
        assertThrows(ApiException.class, () -> ChangeWindow.plan(null, "2026-12-05 10:00:00", 30, at));
        assertThrows(ApiException.class, () -> ChangeWindow.plan(null, null, 0, at));
        assertThrows(ApiException.class, () -> ChangeWindow.plan("2026-12-05 10:00:00", "2026-12-05 09:00:00", null, at));
        for (String impossible : List.of("2026-13-05 10:00:00", "2026-02-30 10:00:00", "2026-12-05 25:00:00")) {
            ApiException e = assertThrows(ApiException.class, () -> ChangeWindow.plan(impossible, null, 30, at), impossible);
            assertEquals(Problem.INVALID_INPUT, e.problem());
            assertTrue(e.getMessage().startsWith("The planned start '" + impossible + "' is not a date"), e.getMessage());
        }
        ChangeWindow w = new ChangeWindow(at, at.plusSeconds(3600));
        assertEquals(Duration.ofMinutes(10), w.untilStart(at.minusSeconds(600)));
        assertEquals(Duration.ZERO, w.untilStart(at.plusSeconds(1)));
        assertTrue(w.isOver(at.plusSeconds(3600)));
        assertNull(ChangeWindow.NONE.start());
        assertEquals("2026-12-04 10:00 UTC – 2026-12-04 11:00:30 UTC", new ChangeWindow(at, at.plusSeconds(3630)).describe());
    }
}
