package io.jenkins.plugins.servicenowflashduty.client.change;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpTransport;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 * Waits for many change approvals on one instance without a thread per wait, with one request per interval
 * whatever their number: ServiceNow is asked what changed since the newest update it reported before, among the
 * changes this plugin opened ({@code correlation_display} {@value Changes#CORRELATION_DISPLAY}), and the answers are
 * mapped to the waits. A wait whose change was approved, rejected or cancelled (or whose deadline passed) completes
 * its future.
 *
 * <p>What the update query cannot see is read by {@code sys_id} in the same request ({@code ^NQ}): a change not read
 * yet, and one opened elsewhere (a {@code serviceNowWaitForApproval} on a change of a person). Nothing rests on the
 * controller's clock: the query's time is the newest {@code sys_updated_on} ServiceNow sent, less an overlap for
 * updates committed late. An update missed all the same (a clock or a commit later than the overlap, a deleted
 * change) is found by the full sweep, which reads every waiting change by {@code sys_id} (100 a request) every
 * {@link #SWEEP_EVERY}; an instance that ignores the update filter (ServiceNow drops conditions it does not
 * understand) is noticed from its answer, and then swept every round.
 *
 * <p>Each {@link #watch} is its own wait, even for a change another build waits on too: stopping one
 * leaves the others alone, and each has its own deadline. One unreadable record ends only its own waits;
 * transient failures (network, 429, 5xx) skip a round.
 *
 * <p>No thread waits for ServiceNow: a poll's requests are sent asynchronously ({@link ServiceNowClient#pageAsync}),
 * one poll at a time per watcher (a round whose previous poll still runs is skipped), and their answers are handled
 * on the poll executor, where nothing waits for the network. So one scheduler thread serves every instance, and a
 * stalled instance delays neither another instance's polls nor any deadline: its request ends at its timeout. A credential or role failure (an SSO blip, a
 * password being rotated) is retried, with a notice to each wait, for {@link #AUTH_PATIENCE}; only a failure that
 * lasts longer ends the waits with its sentence. The client is asked for anew at each poll, so a rotated
 * credential is used from the next poll on. Thread-safe.
 */
public final class ApprovalWatcher {
    private static final Logger LOG = Logger.getLogger(ApprovalWatcher.class.getName());
    static final int BATCH = 100;
    /** Rows per page of the update query: one page unless a great many changes were updated within the overlap. */
    static final int PAGE = 2000;
    /** How long credentials may be refused before the waits end: long enough for an SSO outage or a rotation. */
    public static final Duration AUTH_PATIENCE = Duration.ofMinutes(10);
    /** How often every waiting change is read by {@code sys_id}, whatever the updates said: the safety net. */
    public static final Duration SWEEP_EVERY = Duration.ofMinutes(5);
    /** The least the update query looks back before the newest update seen, for updates committed after it. */
    static final Duration MIN_OVERLAP = Duration.ofSeconds(30);
    private static final DateTimeFormatter SERVICENOW_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String[] FIELDS = {"sys_id", "number", "state", "approval", "sys_updated_on", "correlation_display"};

    private final Supplier<ServiceNowClient> client;
    private final ScheduledExecutorService scheduler;
    private final Executor polls;
    private final AtomicBoolean polling = new AtomicBoolean();
    /** When credentials were first refused in the current run of refusals, or null. */
    private volatile Instant authFailingSince;
    private final Clock clock;
    private final Duration interval;
    private final Map<Long, Watch> pending = new ConcurrentHashMap<>();
    private final Duration sweepEvery;
    private final Duration overlap;
    /** Waited-on changes read once and found to be this plugin's: their updates come with the update query. */
    private final Set<String> ours = ConcurrentHashMap.newKeySet();
    /** The newest {@code sys_updated_on} ServiceNow sent (its clock, UTC); null until the first full read. */
    private volatile LocalDateTime newestUpdate;
    private volatile Instant lastSweep;
    /** The instance answered the update query with rows it does not ask for: it ignored the filter. */
    private volatile boolean updatesUnfiltered;
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
     * @param polls where polls start and their answers are handled (the scheduler itself will do: nothing there
     *     waits for the network)
     */
    public ApprovalWatcher(Supplier<ServiceNowClient> client, ScheduledExecutorService scheduler, Executor polls, Clock clock,
                           Duration interval) {
        this(client, scheduler, polls, clock, interval, SWEEP_EVERY);
    }

    /** @param sweepEvery how often every waiting change is read by {@code sys_id}, the net under the update query */
    public ApprovalWatcher(Supplier<ServiceNowClient> client, ScheduledExecutorService scheduler, Executor polls, Clock clock,
                           Duration interval, Duration sweepEvery) {
        this.client = client;
        this.scheduler = scheduler;
        this.polls = polls;
        this.clock = clock;
        this.interval = interval;
        this.sweepEvery = sweepEvery;
        Duration twice = interval.multipliedBy(2);
        this.overlap = twice.compareTo(MIN_OVERLAP) > 0 ? twice : MIN_OVERLAP;
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
     * One round: deadlines now (no network), then a poll unless the previous one still runs. Never throws: it runs on
     * a shared scheduler.
     *
     * @return the poll, done when its answers were handled (at once when none was started), for tests
     */
    CompletableFuture<Void> round() {
        try {
            expire();
            if (!pending.isEmpty() && polling.compareAndSet(false, true)) {
                CompletableFuture<Void> poll = new CompletableFuture<>();
                polls.execute(() -> pollRound().whenComplete((v, e) -> {
                    if (e != null && HttpTransport.unwrap(e) instanceof RejectedExecutionException) {
                        LOG.log(Level.FINE, "An approval poll's answer came after its executor stopped (the controller is stopping)");
                    } else if (e != null) {
                        LOG.log(Level.WARNING, "An approval poll failed unexpectedly; the waits go on and their deadlines still apply", e);
                    }
                    polling.set(false);
                    expire();
                    stopIfIdle();
                    poll.complete(null);
                }));
                return poll;
            }
        } catch (RuntimeException e) {
            polling.set(false);
            LOG.log(Level.WARNING, "An approval round failed unexpectedly; the waits go on and their deadlines still apply", e);
        } finally {
            stopIfIdle();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** The requests of one poll, sent without holding a thread; their answers are handled on the poll executor. */
    private CompletableFuture<Void> pollRound() {
        ServiceNowClient current;
        try {
            current = client.get();
        } catch (ApiException e) {
            LOG.log(Level.FINE, "Approval poll skipped: {0}", e.getMessage()); // e.g. the instance's configuration is being changed
            return CompletableFuture.completedFuture(null);
        }
        List<String> changes = new ArrayList<>(new LinkedHashSet<>(pending.values().stream().map(w -> w.request.changeSysId()).toList()));
        ours.retainAll(changes);
        Instant now = clock.instant();
        if (changes.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (newestUpdate == null || updatesUnfiltered || lastSweep == null || !now.isBefore(lastSweep.plus(sweepEvery))) {
            return sweep(current, changes, now);
        }
        return updates(current, changes);
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

    /** Every waiting change read by {@code sys_id}, 100 a request: the first round, and the net under the update query. */
    private CompletableFuture<Void> sweep(ServiceNowClient current, List<String> changes, Instant now) {
        CompletableFuture<Boolean> all = CompletableFuture.completedFuture(true);
        for (int from = 0; from < changes.size(); from += BATCH) {
            List<String> batch = changes.subList(from, Math.min(changes.size(), from + BATCH));
            all = all.thenCompose(ok -> readById(current, batch).thenApply(read -> ok && read));
        }
        return all.thenAccept(ok -> {
            if (ok) {
                lastSweep = now;
            }
        });
    }

    /**
     * One request: what changed among this plugin's changes since the newest update seen (less the overlap), and, by
     * {@code sys_id}, the changes that query cannot see. Only a fully read answer moves the newest update on.
     */
    private CompletableFuture<Void> updates(ServiceNowClient current, List<String> changes) {
        List<String> byId = changes.stream().filter(c -> !ours.contains(c)).toList();
        List<String> inQuery = byId.subList(0, Math.min(BATCH, byId.size()));
        CompletableFuture<Boolean> extra = CompletableFuture.completedFuture(true);
        for (int from = BATCH; from < byId.size(); from += BATCH) { // only when more than 100 waits began in one interval
            List<String> batch = byId.subList(from, Math.min(byId.size(), from + BATCH));
            extra = extra.thenCompose(ok -> readById(current, batch));
        }
        LocalDateTime since = newestUpdate.minus(overlap);
        TableQuery updated = TableQuery.where("correlation_display").is(Changes.CORRELATION_DISPLAY)
                .and("sys_updated_on").greaterOrEqual(SERVICENOW_TIME.format(since));
        TableQuery query = (inQuery.isEmpty() ? updated : updated.orMatching(TableQuery.where("sys_id").in(inQuery)))
                .orderBy("sys_updated_on");
        return extra.thenCompose(ok -> allPages(current, query, 0, new ArrayList<>()))
                .handleAsync((rows, failure) -> {
                    if (failure != null) {
                        failedPoll(changes, failure);
                        return List.<String>of();
                    }
                    return updatesRead(current, changes, inQuery, since, rows);
                }, polls)
                .thenCompose(missing -> missing.isEmpty() ? CompletableFuture.<Void>completedFuture(null)
                        // absent from the combined answer: read plainly before calling it gone
                        : readById(current, missing).thenAccept(ok -> { }));
    }

    private CompletableFuture<List<SnRecord>> allPages(ServiceNowClient current, TableQuery query, int offset, List<SnRecord> rows) {
        return current.pageAsync("change_request", query, offset, PAGE, FIELDS).thenCompose(page -> {
            rows.addAll(page.records());
            return page.nextOffset() < 0 ? CompletableFuture.completedFuture(rows) : allPages(current, query, page.nextOffset(), rows);
        });
    }

    /** @return the changes asked for by {@code sys_id} that the answer did not hold */
    private List<String> updatesRead(ServiceNowClient current, List<String> changes, List<String> inQuery, LocalDateTime since,
                                     List<SnRecord> rows) {
        answered(changes);
        Set<String> asked = new HashSet<>(inQuery);
        Map<String, SnRecord> seen = new HashMap<>();
        for (SnRecord r : rows) {
            if (!asked.contains(r.sysId()) && !matchesUpdateFilter(r, since)) {
                unfiltered(current);
            }
            seen.put(r.sysId(), r);
        }
        for (String change : changes) {
            SnRecord r = seen.get(change);
            if (r != null) {
                read(change, r);
            }
        }
        advance(rows);
        return inQuery.stream().filter(c -> !seen.containsKey(c)).toList();
    }

    private static boolean matchesUpdateFilter(SnRecord r, LocalDateTime since) {
        LocalDateTime updated = time(r.get("sys_updated_on"));
        return Changes.CORRELATION_DISPLAY.equals(r.get("correlation_display")) && updated != null && !updated.isBefore(since);
    }

    private void unfiltered(ServiceNowClient current) {
        if (!updatesUnfiltered) {
            updatesUnfiltered = true;
            LOG.log(Level.WARNING, "ServiceNow at {0} answered the query for updated changes with rows it does not ask for (it ignored"
                    + " the filter on correlation_display or sys_updated_on); approvals on it are now read by sys_id every poll,"
                    + " 100 changes a request", current.host());
        }
    }

    /**
     * The changes read by {@code sys_id}; a change absent from the answer was deleted (or may no longer be read).
     *
     * @return whether the answer came
     */
    private CompletableFuture<Boolean> readById(ServiceNowClient current, List<String> changeIds) {
        return current.pageAsync("change_request", TableQuery.where("sys_id").in(changeIds), 0, changeIds.size(), FIELDS)
                .handleAsync((page, failure) -> {
                    if (failure != null) {
                        failedPoll(changeIds, failure);
                        return false;
                    }
                    readByIdAnswered(changeIds, page.records());
                    return true;
                }, polls);
    }

    private void readByIdAnswered(List<String> changeIds, List<SnRecord> rows) {
        answered(changeIds);
        Map<String, SnRecord> byId = new HashMap<>();
        rows.forEach(r -> byId.put(r.sysId(), r));
        for (String change : changeIds) {
            SnRecord r = byId.get(change);
            if (r == null) {
                ours.remove(change);
                for (Watch w : waitsOn(List.of(change))) {
                    finish(w, ApprovalOutcome.Result.CANCELLED, null, "Change " + w.request.number()
                            + " no longer exists (or the user may no longer read it).");
                }
            } else {
                read(change, r);
            }
        }
        advance(rows);
    }

    /** What a change's record says, to each of its waits; a change of this plugin's is then followed by its updates. */
    private void read(String change, SnRecord r) {
        if (Changes.CORRELATION_DISPLAY.equals(r.get("correlation_display")) && time(r.get("sys_updated_on")) != null) {
            ours.add(change);
        }
        for (Watch w : waitsOn(List.of(change))) {
            try {
                decide(w, r);
            } catch (RuntimeException e) {
                // one record this client cannot make sense of ends its own waits, no others
                fail(w, new ApiException(Problem.UNEXPECTED_RESPONSE, 0, "ServiceNow sent change " + w.request.number()
                        + " in a form this plugin cannot read; check the change in ServiceNow.", e));
            }
        }
    }

    /** Moves the newest update seen on, from ServiceNow's own timestamps. */
    private void advance(List<SnRecord> rows) {
        LocalDateTime newest = newestUpdate;
        for (SnRecord r : rows) {
            LocalDateTime t = time(r.get("sys_updated_on"));
            if (t != null && (newest == null || t.isAfter(newest))) {
                newest = t;
            }
        }
        newestUpdate = newest;
    }

    /** ServiceNow's stored date-time (UTC, as the Table API sends it without display values); null when not one. */
    private static LocalDateTime time(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(value.strip(), SERVICENOW_TIME);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private void failedPoll(List<String> changeIds, Throwable failure) {
        Throwable t = HttpTransport.unwrap(failure);
        if (!(t instanceof ApiException e)) {
            LOG.log(Level.WARNING, "An approval poll failed unexpectedly; the waits go on and their deadlines still apply", t);
        } else if (e.problem() == Problem.BAD_CREDENTIALS || e.problem() == Problem.FORBIDDEN) {
            refused(changeIds, e);
        } else {
            LOG.log(Level.FINE, "Approval poll skipped: {0}", e.getMessage());
        }
    }

    /** An answer came: credentials refused before are accepted again. */
    private void answered(List<String> changeIds) {
        if (authFailingSince != null) {
            authFailingSince = null;
            waitsOn(changeIds).forEach(w -> notice(w, "ServiceNow accepts the credentials again; still waiting for approval of "
                    + w.request.number() + "."));
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
        Set<String> ids = new HashSet<>(changeIds);
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
