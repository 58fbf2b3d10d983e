package io.jenkins.plugins.servicenowflashduty.client.change;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Waits for many change approvals on one instance without a thread per wait: every interval, one
 * {@code sys_idIN...} query per 100 distinct pending changes reads their state and approval, and each wait
 * whose change was approved, rejected or cancelled (or whose deadline passed) completes its future.
 *
 * <p>Each {@link #watch} is its own wait, even for a change another build waits on too: stopping one
 * leaves the others alone, and each has its own deadline. One unreadable record ends only its own waits;
 * transient failures (network, 429, 5xx) skip a round.
 *
 * <p>Slow or failing servers: the scheduler thread only enforces deadlines and starts polls; a poll runs on the
 * poll executor, one at a time per watcher (a round whose previous poll still runs is skipped), so a stalled
 * instance delays neither another instance's polls nor any deadline. A credential or role failure (an SSO blip, a
 * password being rotated) is retried, with a notice to each wait, for {@link #AUTH_PATIENCE}; only a failure that
 * lasts longer ends the waits with its sentence. The client is asked for anew at each poll, so a rotated
 * credential is used from the next poll on. Thread-safe.
 */
public final class ApprovalWatcher {
    private static final Logger LOG = Logger.getLogger(ApprovalWatcher.class.getName());
    static final int BATCH = 100;
    /** How long credentials may be refused before the waits end: long enough for an SSO outage or a rotation. */
    public static final Duration AUTH_PATIENCE = Duration.ofMinutes(10);
    private static final String[] FIELDS = {"sys_id", "number", "state", "approval"};

    private final Supplier<ServiceNowClient> client;
    private final ScheduledExecutorService scheduler;
    private final Executor polls;
    private final AtomicBoolean polling = new AtomicBoolean();
    /** When credentials were first refused in the current run of refusals, or null. */
    private volatile Instant authFailingSince;
    private final Clock clock;
    private final Duration interval;
    private final Map<Long, Watch> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private ScheduledFuture<?> task;

    /** What a poll saw of a change, reported to its waits only when it differs from what they saw before. */
    public record Progress(String number, ChangeState state, String approval) {
    }

    /** One wait: its outcome, and a way to stop it. */
    public final class Watch {
        private final long id;
        private final ApprovalWait request;
        private final Consumer<Progress> progress;
        private final Consumer<String> notices;
        private final CompletableFuture<ApprovalOutcome> outcome = new CompletableFuture<>();
        private Progress lastSeen;

        private Watch(long id, ApprovalWait request, Consumer<Progress> progress, Consumer<String> notices) {
            this.id = id;
            this.request = request;
            this.progress = progress;
            this.notices = notices;
        }

        public ApprovalWait request() {
            return request;
        }

        /** Completes when the wait ends; exceptionally with an {@link ApiException} when it cannot go on. */
        public CompletableFuture<ApprovalOutcome> outcome() {
            return outcome;
        }

        /** Stops this wait (its build was aborted), leaving the change and other waits alone. */
        public void stop() {
            finish(this, ApprovalOutcome.Result.STOPPED, null, "Stopped waiting for approval of " + request.number() + ".");
        }
    }

    /**
     * @param scheduler runs the polling rounds; one task whatever the number of waits
     * @param clock decides deadlines
     * @param interval between rounds
     */
    public ApprovalWatcher(ServiceNowClient client, ScheduledExecutorService scheduler, Clock clock, Duration interval) {
        this(() -> client, scheduler, Runnable::run, clock, interval);
    }

    /**
     * @param client asked for at each poll: the instance's client as its configuration and credentials are now
     * @param polls where polls run, so a slow one holds neither the scheduler nor another watcher's polls
     */
    public ApprovalWatcher(Supplier<ServiceNowClient> client, ScheduledExecutorService scheduler, Executor polls, Clock clock,
                           Duration interval) {
        this.client = client;
        this.scheduler = scheduler;
        this.polls = polls;
        this.clock = clock;
        this.interval = interval;
    }

    /** Starts (or, after a restart, resumes) a wait. */
    public Watch watch(ApprovalWait wait) {
        return watch(wait, p -> { });
    }

    /**
     * Starts (or resumes) a wait that also hears of each change of state or approval (never once per poll),
     * for a build log that says what happens.
     */
    public Watch watch(ApprovalWait wait, Consumer<Progress> progress) {
        return watch(wait, progress, n -> { });
    }

    /** {@link #watch(ApprovalWait, Consumer)} that also hears notices, such as credentials refused for a while. */
    public Watch watch(ApprovalWait wait, Consumer<Progress> progress, Consumer<String> notices) {
        Watch w = new Watch(ids.incrementAndGet(), wait, progress, notices);
        pending.put(w.id, w);
        ensureRunning();
        return w;
    }

    /** How many waits are pending. */
    public int pendingCount() {
        return pending.size();
    }

    private synchronized void ensureRunning() {
        if (task == null || task.isDone()) {
            task = scheduler.scheduleWithFixedDelay(this::round, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void stopIfIdle() {
        if (pending.isEmpty() && task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /**
     * One round: deadlines now (no network), then a poll on the poll executor unless the previous one still runs.
     * Never throws: it runs on a shared scheduler.
     */
    void round() {
        try {
            expire();
            if (!pending.isEmpty() && polling.compareAndSet(false, true)) {
                polls.execute(this::pollRound);
            }
        } catch (RuntimeException e) {
            polling.set(false);
            LOG.log(Level.WARNING, "An approval round failed unexpectedly; the waits go on and their deadlines still apply", e);
        } finally {
            stopIfIdle();
        }
    }

    private void pollRound() {
        try {
            ServiceNowClient current = client.get();
            List<String> changes = new ArrayList<>(new LinkedHashSet<>(pending.values().stream().map(w -> w.request.changeSysId()).toList()));
            for (int from = 0; from < changes.size(); from += BATCH) {
                poll(current, changes.subList(from, Math.min(changes.size(), from + BATCH)));
            }
        } catch (ApiException e) {
            LOG.log(Level.FINE, "Approval poll skipped: {0}", e.getMessage()); // e.g. the instance's configuration is being changed
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "An approval poll failed unexpectedly; the waits go on and their deadlines still apply", e);
        } finally {
            polling.set(false);
            expire();
            stopIfIdle();
        }
    }

    private void expire() {
        long now = clock.millis();
        for (Watch w : List.copyOf(pending.values())) {
            if (now >= w.request.deadlineEpochMillis()) {
                finish(w, ApprovalOutcome.Result.TIMED_OUT, null, "Change " + w.request.number()
                        + " was not approved in time; the wait ended at its deadline.");
            }
        }
    }

    private void poll(ServiceNowClient current, List<String> changeIds) {
        List<SnRecord> rows;
        try {
            rows = current.query("change_request", TableQuery.where("sys_id").in(changeIds), changeIds.size(), FIELDS);
        } catch (ApiException e) {
            if (e.problem() == Problem.BAD_CREDENTIALS || e.problem() == Problem.FORBIDDEN) {
                refused(changeIds, e);
            } else {
                LOG.log(Level.FINE, "Approval poll skipped: {0}", e.getMessage());
            }
            return;
        }
        if (authFailingSince != null) {
            authFailingSince = null;
            waitsOn(changeIds).forEach(w -> notice(w, "ServiceNow accepts the credentials again; still waiting for approval of "
                    + w.request.number() + "."));
        }
        Map<String, SnRecord> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.sysId(), r));
        for (Watch w : waitsOn(changeIds)) {
            SnRecord r = byId.get(w.request.changeSysId());
            try {
                if (r == null) {
                    finish(w, ApprovalOutcome.Result.CANCELLED, null, "Change " + w.request.number()
                            + " no longer exists (or the user may no longer read it).");
                } else {
                    decide(w, r);
                }
            } catch (RuntimeException e) {
                // one record this client cannot make sense of ends its own waits, no others
                fail(w, new ApiException(Problem.UNEXPECTED_RESPONSE, 0, "ServiceNow sent change " + w.request.number()
                        + " in a form this plugin cannot read; check the change in ServiceNow.", e));
            }
        }
    }

    /** Credentials or roles refused: said once, retried, and only after {@link #AUTH_PATIENCE} the end of the waits. */
    private void refused(List<String> changeIds, ApiException e) {
        Instant now = clock.instant();
        Instant since = authFailingSince;
        if (since == null) {
            authFailingSince = now;
            waitsOn(changeIds).forEach(w -> notice(w, e.getMessage() + " Still waiting for approval of " + w.request.number()
                    + "; trying again every poll for up to " + AUTH_PATIENCE.toMinutes() + " minutes."));
        } else if (Duration.between(since, now).compareTo(AUTH_PATIENCE) >= 0) {
            waitsOn(changeIds).forEach(w -> fail(w, e));
        }
    }

    private static void notice(Watch w, String text) {
        try {
            w.notices.accept(text);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Approval notice listener failed: {0}", e.toString());
        }
    }

    private List<Watch> waitsOn(List<String> changeIds) {
        java.util.Set<String> ids = new java.util.HashSet<>(changeIds);
        return pending.values().stream().filter(w -> ids.contains(w.request.changeSysId())).toList();
    }

    private void decide(Watch w, SnRecord r) {
        ChangeState state = ChangeState.fromServer(r.get("state"));
        String approval = r.get("approval");
        String number = r.number().isEmpty() ? w.request.number() : r.number();
        Progress seen = new Progress(number, state, approval);
        if (!seen.equals(w.lastSeen)) {
            w.lastSeen = seen;
            try {
                w.progress.accept(seen);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Approval progress listener failed: {0}", e.toString());
            }
        }
        if ("rejected".equals(approval)) {
            finish(w, ApprovalOutcome.Result.REJECTED, state, "Change " + number + " was rejected.");
        } else if (state.ended()) {
            finish(w, ApprovalOutcome.Result.CANCELLED, state, "Change " + number + " was "
                    + state.label().toLowerCase(Locale.ROOT) + " while waiting for approval.");
        } else if ("approved".equals(approval) && (state.approved() || state.silentOnApproval())) {
            finish(w, ApprovalOutcome.Result.APPROVED, state, "Change " + number + " was approved"
                    + (state == ChangeState.UNKNOWN ? "." : " and is " + state.label() + "."));
        }
    }

    private void finish(Watch w, ApprovalOutcome.Result result, ChangeState state, String message) {
        if (pending.remove(w.id, w)) {
            w.outcome.complete(new ApprovalOutcome(result, w.request.number(), state, message));
        }
    }

    private void fail(Watch w, ApiException e) {
        if (pending.remove(w.id, w)) {
            w.outcome.completeExceptionally(e);
        }
    }
}
