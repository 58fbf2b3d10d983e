package io.jenkins.plugins.servicenowflashduty.client.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRef;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRequest;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.client.change.CloseCode;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyAlerts;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.TriggerOptions;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.BasicAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.RecordingSleeper;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest;
import io.jenkins.plugins.servicenowflashduty.client.incident.Incidents;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.worknote.JournalField;
import io.jenkins.plugins.servicenowflashduty.client.worknote.TicketRef;
import io.jenkins.plugins.servicenowflashduty.client.worknote.WorkNotes;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultPlan;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Alert;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A seeded random run of every operation under injected faults (429 with Retry-After, 5xx, dropped
 * connections and slow answers, before and after the server acted). Each operation either succeeds or
 * fails with one sentence, and no run leaves a duplicate ticket, note or alert behind.
 */
class RandomFaultSuiteTest {
    private static final int OPERATIONS = Integer.getInteger("faultSuite.operations", 1200);
    private static final long SEED = Long.getLong("faultSuite.seed", 20261123L);
    private static final int JOBS = 25;
    private static final String[] NOTE_TEXTS = {"Deployment started", "Deployment finished", "Smoke tests passed"};
    private static final Set<Problem> ACCEPTABLE = Set.of(Problem.RATE_LIMITED, Problem.SERVER_ERROR, Problem.UNREACHABLE,
            Problem.TIMEOUT);

    private Simulator sim;
    private Incidents incidents;
    private Changes changes;
    private WorkNotes notes;
    private FlashdutyAlerts alerts;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        sim.flashduty().setRateLimited(false);
        HttpSettings settings = HttpSettings.defaults("x").withSleeper(new RecordingSleeper(true))
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(150));
        ServiceNowClient client = new ServiceNowClient(sim.baseUrl(), true, new BasicAuthentication("jenkins", SecretValue.of("jenkins")), settings);
        incidents = new Incidents(client);
        changes = new Changes(client);
        notes = new WorkNotes(client);
        alerts = new FlashdutyAlerts(new FlashdutyClient(sim.baseUrl(), true, SecretValue.of(FlashdutySimulator.INTEGRATION_KEY), settings));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private enum Op { RAISE, RESOLVE, CHANGE, NOTE, ALERT, RECOVER }

    @Test
    void noOperationLeavesADuplicateBehind() {
        Random random = new Random(SEED);
        Map<Op, int[]> tally = new EnumMap<>(Op.class); // [succeeded, failed]
        Map<String, int[]> noteCounts = new HashMap<>(); // ticket|text -> [succeeded, failed]
        int faulted = 0;
        for (int i = 0; i < OPERATIONS; i++) {
            Op op = Op.values()[random.nextInt(Op.values().length)];
            int job = random.nextInt(JOBS);
            BuildContext build = new BuildContext("folder/job-" + job, i, "https://ci.example.com/job/" + job + "/" + i + "/",
                    op == Op.RESOLVE || op == Op.RECOVER ? "SUCCESS" : "FAILURE", "main", "");
            if (random.nextInt(10) < 7) {
                inject(random, op);
                faulted++;
            }
            String noteTarget = null;
            try {
                switch (op) {
                    case RAISE -> incidents.raise(build, IncidentRequest.defaults());
                    case RESOLVE -> incidents.resolve(build, null, null, null);
                    case CHANGE -> {
                        ChangeRef c = changes.requestApproval(changes.open(build, ChangeRequest.normal("Deploy job-" + job)));
                        changes.close(changes.startImplementation(changes.refresh(c)), CloseCode.SUCCESSFUL, null);
                    }
                    case NOTE -> {
                        List<Map<String, String>> open = sim.serviceNow().query("incident", "stateIN1,2,3");
                        if (!open.isEmpty()) {
                            Map<String, String> target = open.get(random.nextInt(open.size()));
                            // texts repeat on purpose: two identical notes are two notes, never one and never three
                            String text = NOTE_TEXTS[random.nextInt(NOTE_TEXTS.length)];
                            noteTarget = target.get("sys_id") + "|" + text;
                            notes.add(TicketRef.number(target.get("number")), JournalField.WORK_NOTES, text);
                            noteCounts.computeIfAbsent(noteTarget, k -> new int[2])[0]++;
                        }
                    }
                    case ALERT -> alerts.trigger(build, TriggerOptions.defaults());
                    case RECOVER -> alerts.resolve(build, TriggerOptions.defaults());
                    default -> throw new IllegalStateException();
                }
                tally.computeIfAbsent(op, k -> new int[2])[0]++;
            } catch (ApiException e) {
                tally.computeIfAbsent(op, k -> new int[2])[1]++;
                if (noteTarget != null) {
                    noteCounts.computeIfAbsent(noteTarget, k -> new int[2])[1]++;
                }
                assertTrue(ACCEPTABLE.contains(e.problem()) || e.problem() == Problem.REFUSED && op == Op.CHANGE,
                        "operation " + i + " " + op + " failed with " + e.problem() + ": " + e.getMessage());
                assertOneSentence(e.getMessage());
            } finally {
                sim.faults().clear();
            }
        }
        System.out.printf("Fault suite: %d operations, %d with faults, seed %d, outcomes %s%n", OPERATIONS, faulted, SEED,
                tally.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()[0] + "/" + e.getValue()[1]).collect(Collectors.joining(" ")));

        assertNoDuplicateOpenIncidents();
        assertNoDuplicateChanges();
        assertNoDuplicateJournalEntries(noteCounts);
        assertNoDuplicateAlerts();
        int succeeded = tally.values().stream().mapToInt(t -> t[0]).sum();
        assertTrue(succeeded > OPERATIONS / 2, "most operations should survive their faults: " + succeeded);
    }

    /** A fault on the paths the operation uses, for the next 1-3 matching requests. */
    private void inject(Random random, Op op) {
        String method = switch (random.nextInt(4)) {
            case 0 -> "GET";
            case 1 -> "PATCH";
            default -> "POST";
        };
        String path = switch (op) {
            case RAISE, RESOLVE, NOTE -> "/api/now/table/";
            case CHANGE -> random.nextBoolean() ? "/api/sn_chg_rest/" : "/api/now/table/";
            case ALERT, RECOVER -> "/event/";
        };
        FaultPlan.Builder rule = sim.faults().on(method, path).times(1 + random.nextInt(3));
        if (random.nextBoolean()) {
            rule.afterProcessing();
        }
        switch (random.nextInt(6)) {
            case 0 -> rule.retryAfter(random.nextInt(3)).respond(429);
            case 1 -> rule.respond(new int[] {500, 502, 503, 504}[random.nextInt(4)]);
            case 2, 3 -> rule.drop();
            case 4 -> rule.delay(Duration.ofMillis(250)); // longer than the client's 150 ms timeout
            default -> rule.respond(502);
        }
    }

    private static void assertOneSentence(String message) {
        assertFalse(message.isBlank());
        assertFalse(message.contains("\n"), message);
        assertTrue(message.endsWith("."), message);
        assertFalse(message.contains("jenkins:jenkins") || message.contains(FlashdutySimulator.INTEGRATION_KEY), message);
    }

    private void assertNoDuplicateOpenIncidents() {
        Map<String, Long> open = sim.serviceNow().query("incident", "stateIN1,2,3").stream()
                .collect(Collectors.groupingBy(r -> r.get("correlation_id"), Collectors.counting()));
        open.forEach((key, count) -> assertEquals(1L, count, "open incidents for " + key));
    }

    private void assertNoDuplicateChanges() {
        Map<String, Long> byKey = sim.serviceNow().records("change_request").stream()
                .collect(Collectors.groupingBy(r -> r.get("correlation_id"), Collectors.counting()));
        byKey.forEach((key, count) -> assertEquals(1L, count, "changes for " + key));
    }

    /**
     * Every journal entry any operation wrote: those of the note operation (whose texts repeat) number at
     * least the notes that succeeded and at most those plus the ones that failed; every other entry (a raise's
     * "failed again", a standard change's details, a cancel's reason) names its own build or change, so two
     * alike on one record are a duplicate.
     */
    private void assertNoDuplicateJournalEntries(Map<String, int[]> noteCounts) {
        Map<String, Long> counts = new HashMap<>();
        sim.serviceNow().records("sys_journal_field").forEach(e -> counts.merge(e.get("element_id") + "|" + e.get("value"), 1L, Long::sum));
        Set<String> noteTexts = Set.of(NOTE_TEXTS);
        counts.forEach((k, c) -> {
            String text = k.substring(k.indexOf('|') + 1);
            if (noteTexts.contains(text)) {
                int[] expected = noteCounts.getOrDefault(k, new int[2]);
                assertTrue(c >= expected[0] && c <= expected[0] + expected[1],
                        "journal entries " + k + ": " + c + " for " + expected[0] + " succeeded and " + expected[1] + " failed notes");
            } else {
                assertEquals(1L, c, "journal entry " + k);
            }
        });
        noteCounts.forEach((k, expected) -> assertTrue(counts.getOrDefault(k, 0L) >= expected[0], "notes lost on " + k));
        assertTrue(noteCounts.values().stream().anyMatch(n -> n[0] > 1), "some identical notes were written twice on purpose");
    }

    private void assertNoDuplicateAlerts() {
        Map<String, Long> open = sim.flashduty().alerts().stream().filter(a -> !a.recovered())
                .collect(Collectors.groupingBy(Alert::alertKey, Collectors.counting()));
        open.forEach((key, count) -> assertEquals(1L, count, "open alerts for " + key));
        for (Alert a : sim.flashduty().alerts()) {
            Map<String, Long> perBuild = a.events().stream().collect(Collectors.groupingBy(e -> e.status() + e.labels().get("build"),
                    Collectors.counting()));
            perBuild.forEach((k, c) -> assertEquals(1L, c, "events of " + a.alertKey() + " for " + k));
        }
    }
}
