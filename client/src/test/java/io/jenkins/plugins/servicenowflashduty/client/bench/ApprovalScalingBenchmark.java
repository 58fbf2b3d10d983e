package io.jenkins.plugins.servicenowflashduty.client.bench;

import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalOutcome;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWait;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWatcher;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.client.http.BasicAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Prints what many concurrent approval waits on changes the plugin opened cost: requests per polling interval once
 * the first round has read them, the full sweep, threads the client side uses, heap per wait, and how long after a
 * change advisory board approves them all the last wait ends. A program, not a test.
 *
 * <pre>mvn -B -DskipPlugin -q -pl client -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.jenkins.plugins.servicenowflashduty.client.bench.ApprovalScalingBenchmark [-Dexec.args=1000]</pre>
 */
public final class ApprovalScalingBenchmark {
    private ApprovalScalingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int waits = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = 10;
        Duration interval = Duration.ofMillis(500);
        try (Simulator sim = Simulator.start()) {
            sim.serviceNow().setApprovalPolicy(ApprovalPolicy.never());
            List<ApprovalWait> pending = new ArrayList<>();
            for (int i = 0; i < waits; i++) {
                Map<String, String> c = sim.serviceNow().insert("change_request", Map.of("short_description", "wait " + i, "state", "-4",
                        "correlation_display", Changes.CORRELATION_DISPLAY));
                pending.add(new ApprovalWait(c.get("sys_id"), c.get("number"), System.currentTimeMillis() + 600_000));
            }
            java.util.Set<String> baseline = clientThreadNames();
            ServiceNowClient client = new ServiceNowClient(sim.baseUrl(), true, new BasicAuthentication("jenkins", SecretValue.of("jenkins")),
                    HttpSettings.defaults("x"));
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
            ApprovalWatcher watcher = new ApprovalWatcher(client, scheduler, Clock.systemUTC(), interval);
            sim.requests().clear();

            long heapBefore = usedHeapAfterGc();
            List<CompletableFuture<ApprovalOutcome>> futures = new ArrayList<>();
            for (ApprovalWait w : pending) {
                futures.add(watcher.watch(w).outcome());
            }
            long heapWith = usedHeapAfterGc();
            long sweepStarted = System.nanoTime();
            long sweep = (waits + 99) / 100;
            while (changeReads(sim) < sweep && System.nanoTime() - sweepStarted < Duration.ofMinutes(2).toNanos()) {
                Thread.sleep(10); // the first round reads every change by sys_id
            }
            double firstRoundSeconds = (System.nanoTime() - sweepStarted) / 1e9;
            long firstRound = changeReads(sim);
            Thread.sleep(interval.toMillis());
            sim.requests().clear();
            Thread.sleep(interval.toMillis() * rounds);
            long polls = changeReads(sim);
            java.util.Set<String> added = clientThreadNames();
            added.removeAll(baseline);
            long started = System.nanoTime();
            sim.serviceNow().decideAllWaiting(true, null);
            int approved = 0;
            for (CompletableFuture<ApprovalOutcome> f : futures) {
                approved += f.get(5, TimeUnit.MINUTES).approved() ? 1 : 0;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            scheduler.shutdownNow();

            System.out.printf(Locale.ROOT, "Approval scaling: %d waits on the plugin's changes, interval %d ms, Java %s%n",
                    waits, interval.toMillis(), Runtime.version());
            System.out.printf(Locale.ROOT, "  first round         %d requests (every change by sys_id, 100 a request), done %.2f s after the"
                    + " last wait was added%n", firstRound, firstRoundSeconds);
            System.out.printf(Locale.ROOT, "  requests/interval   %.1f afterwards (%d over %d intervals); a full sweep every 5 min costs %d%n",
                    polls / (double) rounds, polls, rounds, (waits + 99) / 100);
            System.out.printf(Locale.ROOT, "  all approved        %d of %d, the last %.2f s after the approval (interval %d ms)%n", approved, waits,
                    seconds, interval.toMillis());
            System.out.printf(Locale.ROOT, "  threads             %d started for the waits: %s%n", added.size(), new java.util.TreeSet<>(added));
            System.out.printf(Locale.ROOT, "  heap per wait       %.0f bytes%n", (heapWith - heapBefore) / (double) waits);
        }
    }

    private static long changeReads(Simulator sim) {
        return sim.requests().matching(r -> r.method().equals("GET") && r.path().equals("/api/now/table/change_request")).size();
    }

    /** Live threads not belonging to the in-process simulator. */
    private static java.util.Set<String> clientThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !t.getName().startsWith("simulator-http-"))
                .map(Thread::getName).collect(java.util.stream.Collectors.toCollection(java.util.HashSet::new));
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
