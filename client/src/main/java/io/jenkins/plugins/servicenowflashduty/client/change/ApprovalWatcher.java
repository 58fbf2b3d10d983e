package io.jenkins.plugins.servicenowflashduty.client.change;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Waits for many change approvals on one instance without a thread per wait: every interval, one
 * {@code sys_idIN...} query per 100 pending changes reads their state and approval, and each wait whose
 * change was approved, rejected or cancelled (or whose deadline passed) completes its future.
 *
 * <p>Transient failures (network, 429, 5xx) just skip a round; credential or role failures end the waits
 * they concern with that sentence. Thread-safe.
 */
public final class ApprovalWatcher {
    private static final Logger LOG = Logger.getLogger(ApprovalWatcher.class.getName());
    static final int BATCH = 100;

    private final ServiceNowClient client;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private ScheduledFuture<?> task;

    private record Pending(ApprovalWait request, CompletableFuture<ApprovalOutcome> future) {
    }

    /**
     * @param scheduler runs the polling rounds; one task whatever the number of waits
     * @param clock decides deadlines
     * @param interval between rounds
     */
    public ApprovalWatcher(ServiceNowClient client, ScheduledExecutorService scheduler, Clock clock, Duration interval) {
        this.client = client;
        this.scheduler = scheduler;
        this.clock = clock;
        this.interval = interval;
    }

    /** Starts (or, after a restart, resumes) a wait. Waiting twice for one change shares the same future. */
    public CompletableFuture<ApprovalOutcome> watch(ApprovalWait wait) {
        Pending p = pending.computeIfAbsent(wait.changeSysId(), id -> new Pending(wait, new CompletableFuture<>()));
        ensureRunning();
        return p.future();
    }

    /** Stops waiting for a change (the build was aborted); its future completes as cancelled. */
    public void stop(String changeSysId) {
        Pending p = pending.remove(changeSysId);
        if (p != null) {
            p.future().complete(new ApprovalOutcome(ApprovalOutcome.Result.CANCELLED, p.request().number(), null,
                    "Stopped waiting for approval of " + p.request().number() + "."));
        }
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

    /** One polling round over every pending wait. */
    void round() {
        try {
            List<String> ids = new ArrayList<>(pending.keySet());
            for (int from = 0; from < ids.size(); from += BATCH) {
                poll(ids.subList(from, Math.min(ids.size(), from + BATCH)));
            }
            long now = clock.millis();
            for (Pending p : List.copyOf(pending.values())) {
                if (now >= p.request().deadlineEpochMillis()) {
                    finish(p, ApprovalOutcome.Result.TIMED_OUT, null, "Change " + p.request().number()
                            + " was not approved in time; the wait ended at its deadline.");
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Approval polling round failed", e);
        } finally {
            stopIfIdle();
        }
    }

    private void poll(List<String> ids) {
        List<SnRecord> rows;
        try {
            rows = client.query("change_request", TableQuery.where("sys_id").in(ids), ids.size(), "sys_id", "number", "state", "approval");
        } catch (ApiException e) {
            if (e.problem() == Problem.BAD_CREDENTIALS || e.problem() == Problem.FORBIDDEN) {
                ids.forEach(id -> {
                    Pending p = pending.get(id);
                    if (p != null && pending.remove(id, p)) {
                        p.future().completeExceptionally(e);
                    }
                });
            } else {
                LOG.log(Level.FINE, "Approval poll skipped: {0}", e.getMessage());
            }
            return;
        }
        Map<String, SnRecord> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.sysId(), r));
        for (String id : ids) {
            Pending p = pending.get(id);
            if (p == null) {
                continue;
            }
            SnRecord r = byId.get(id);
            if (r == null) {
                finish(p, ApprovalOutcome.Result.CANCELLED, null, "Change " + p.request().number()
                        + " no longer exists (or the user may no longer read it).");
                continue;
            }
            decide(p, r);
        }
    }

    private void decide(Pending p, SnRecord r) {
        ChangeState state = ChangeState.parse(r.get("state"));
        String approval = r.get("approval");
        String number = r.number().isEmpty() ? p.request().number() : r.number();
        if ("rejected".equals(approval)) {
            finish(p, ApprovalOutcome.Result.REJECTED, state, "Change " + number + " was rejected.");
        } else if (state == ChangeState.CANCELED || state == ChangeState.CLOSED) {
            finish(p, ApprovalOutcome.Result.CANCELLED, state, "Change " + number + " was " + state.label().toLowerCase(Locale.ROOT) + " while waiting for approval.");
        } else if ("approved".equals(approval) && state.approved()) {
            finish(p, ApprovalOutcome.Result.APPROVED, state, "Change " + number + " was approved and is " + state.label() + ".");
        }
    }

    private void finish(Pending p, ApprovalOutcome.Result result, ChangeState state, String message) {
        if (pending.remove(p.request().changeSysId(), p)) {
            p.future().complete(new ApprovalOutcome(result, p.request().number(), state, message));
        }
    }
}
