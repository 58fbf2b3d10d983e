package io.jenkins.plugins.servicenowflashduty.change;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalOutcome;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWait;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWatcher;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRef;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRequest;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeScheduling;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeState;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeType;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeWindow;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.client.change.CloseCode;
import io.jenkins.plugins.servicenowflashduty.client.change.Conflict;
import io.jenkins.plugins.servicenowflashduty.client.change.Evidence;
import io.jenkins.plugins.servicenowflashduty.client.deployments.Deployment;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.ChangeStatus;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Texts;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.config.Clients;
import io.jenkins.plugins.servicenowflashduty.deployments.DeploymentRecords;
import io.jenkins.plugins.servicenowflashduty.flashduty.DeploymentEvents;
import io.jenkins.plugins.servicenowflashduty.run.BuildFacts;
import io.jenkins.plugins.servicenowflashduty.run.PluginThreads;
import io.jenkins.plugins.servicenowflashduty.run.StepFailures;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.io.Serial;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * The life of one {@code serviceNowCreateChange}: open, ask for approval and wait (without a thread), then
 * either return the change or, with a block, move it to Implement, run the deployment and close the change
 * with its real result. Every network call runs on the plugin's small pool; only small serialisable state
 * is kept, so each stage resumes after a controller restart.
 */
final class CreateChangeExecution extends StepExecution {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(CreateChangeExecution.class.getName());

    /** Where the step is; what a restart resumes. */
    enum Stage { OPENING, WAITING, WINDOW, IMPLEMENTING, BODY, CLOSING, DONE }

    private final String instance;
    private final transient ChangeRequest request; // only needed until the change exists
    private final String correlationId;
    private final boolean waitForApproval;
    private final long timeoutMillis;
    private final long intervalMillis;
    private final boolean verbose;
    /** Null in executions saved before windows existed. */
    private final Scheduling scheduling;
    private volatile Stage stage = Stage.OPENING;
    /** When the wait for the planned window began (epoch millis), 0 before. */
    private volatile long windowWaitSince;
    private transient volatile ScheduledFuture<?> windowTimer;
    /** The deployment's change events on Flashduty; null before the change exists (and in executions saved before them). */
    private volatile DeploymentEvents events;
    private final boolean durableEvents;
    private final String eventTitle;
    private volatile boolean readySent;
    /** When the block started (epoch millis), kept across a restart for the change's actual start; 0 before. */
    private volatile long bodyStartedAt;
    /** When the block ended (epoch millis), 0 before: the change's actual end. */
    private volatile long bodyEndedAt;
    private volatile boolean evidenceWritten;
    /** When the change was opened, approved, and the oldest commit the build brought (epoch millis, 0 for none): its record on the deployments page. */
    private volatile long openedAt;
    private volatile long approvedAt;
    private volatile long oldestCommitAt;
    private volatile ChangeRef change;
    private volatile ApprovalWait wait;
    /** Why the body ended, for a close that a restart interrupted: null for success. */
    private volatile String bodyFailure;
    private volatile boolean bodyAborted;
    /** The build was aborted before the block ran: no further write but the change's cancellation. */
    private volatile boolean stopped;
    private transient volatile ApprovalWatcher.Watch watch;
    /** What the cancellation after a stop needs, taken before the step ends (the context may not serve it after). */
    private transient volatile Cancellation cancellation;
    private transient boolean cancelled;
    private transient volatile BuildContext facts;
    /** When the block started in this run of the controller ({@link System#nanoTime()}), 0 when unknown. */
    private transient volatile long bodyStarted;
    /** This run of the controller resumed a close that an earlier one began. */
    private transient volatile boolean closeResumed;
    /** How long after the move to Implement the change is taken as the step left it, without reading it again. */
    private static final long CURRENT_FOR_NANOS = TimeUnit.MINUTES.toNanos(1);

    CreateChangeExecution(StepContext context, String instance, ChangeRequest request, String correlationId, boolean waitForApproval,
                          long timeoutMillis, long intervalMillis, boolean verbose, Scheduling scheduling, boolean durableEvents) {
        super(context);
        this.durableEvents = durableEvents;
        this.eventTitle = request.shortDescription();
        this.scheduling = scheduling;
        this.instance = instance;
        this.request = request;
        this.correlationId = correlationId;
        this.waitForApproval = waitForApproval;
        this.timeoutMillis = timeoutMillis;
        this.intervalMillis = intervalMillis;
        this.verbose = verbose;
    }

    @Override
    public boolean start() {
        background(this::open);
        return false;
    }

    private boolean block() {
        return getContext().hasBody();
    }

    private Changes changes() throws Exception {
        return new Changes(ServiceNowStepBase.client(ServiceNowStepBase.configured(instance), getContext(), verbose));
    }

    private StepLog log() throws Exception {
        return new StepLog(getContext().get(TaskListener.class));
    }

    /**
     * The build's facts, worked out once: the environment they come from is the costliest thing a step asks its
     * context for, and what the change needs of it (the build's name, link, branch, commit) does not change.
     */
    private BuildContext build() throws Exception {
        BuildContext b = facts;
        if (b == null) {
            b = BuildFacts.of(getContext().get(Run.class), getContext().get(EnvVars.class));
            facts = b;
        }
        return b;
    }

    // ---------------------------------------------------------------- stages

    private void open() throws Exception {
        if (stopped) {
            return; // aborted before anything was sent
        }
        Changes changes = changes();
        ChangeRef c = changes.open(build(), request, correlationId);
        change = c;
        openedAt = System.currentTimeMillis();
        if (cancelIfStopped()) { // the abort came while ServiceNow was opening it
            return;
        }
        log().action("ServiceNow", "created change " + c.number() + " " + c.url());
        ChangeTickets.record(getContext(), c, "created");
        events = new DeploymentEvents(c.number(), eventTitle, durableEvents);
        tell(ChangeStatus.PLANNED, null, Messages.CreateChangeStep_eventOpened(c.number(), build().displayName()), null);
        if (!c.ignoredFields().isEmpty()) {
            log().action("ServiceNow", Messages.CreateChangeStep_ignoredFields(String.join(", ", c.ignoredFields())));
        }
        plan(changes, () -> submitted(changes));
    }

    /** A change event for Flashduty, when the admin set up change events; never fails the step. */
    private void tell(ChangeStatus status, Instant at, String description, String result) {
        DeploymentEvents e = events;
        if (e == null) {
            return;
        }
        try {
            e.send(getContext().get(Run.class), build(), log(), status, at, description, result);
        } catch (Exception failure) {
            LOG.log(Level.FINE, "no change event", failure);
        }
    }

    private Scheduling scheduling() {
        return scheduling == null ? Scheduling.NONE : scheduling;
    }

    /**
     * Before approval is asked for: the change's further items, its first free slot, and ServiceNow's conflict check;
     * then {@code next}. ServiceNow's workers and checks are awaited on timers, without holding one of the plugin's
     * threads for the seconds (or minutes) they take. A conflict that refuses the deployment cancels the change (it
     * will not be carried out) and ends the step with the reason. Repeated as a whole after a restart during opening:
     * each part may run twice without harm.
     */
    private void plan(Changes changes, Work next) throws Exception {
        Scheduling s = scheduling();
        if (!s.any()) {
            next.run();
            return;
        }
        ChangeScheduling scheduler = changes.scheduling();
        CompletableFuture<Void> items = s.configurationItems().isEmpty() ? CompletableFuture.completedFuture(null)
                : scheduler.addConfigurationItemsAsync(change, s.configurationItems());
        then(items, added -> {
            if (!s.configurationItems().isEmpty()) {
                log().action("ServiceNow", Messages.CreateChangeStep_itemsAdded(change.number(), String.join(", ", s.configurationItems())));
            }
            then(s.firstAvailable() ? scheduler.firstAvailableAsync(change) : CompletableFuture.completedFuture(null), slot -> {
                if (slot != null) {
                    log().action("ServiceNow", Messages.CreateChangeStep_scheduled(change.number(), slot.describe()));
                    ChangeTickets.timeline(getContext(), change.number(), Messages.CreateChangeStep_scheduledEvent(slot.describe()));
                }
                if (!s.checkConflicts()) {
                    next.run();
                    return;
                }
                ChangeWindow window = slot != null ? slot : scheduler.planned(change).window();
                then(scheduler.checkConflictsAsync(change, window, PluginThreads.background()), conflicts -> {
                    checked(changes, window, conflicts);
                    next.run();
                });
            });
        });
    }

    /** What the conflict check found: printed, and refusing the deployment where the rules say so. */
    private void checked(Changes changes, ChangeWindow window, List<Conflict> conflicts) throws Exception {
        StepLog log = log();
        if (conflicts.isEmpty()) {
            log.action("ServiceNow", Messages.CreateChangeStep_noConflicts(change.number(), window.describe()));
            ChangeTickets.timeline(getContext(), change.number(), Messages.CreateChangeStep_noConflictsEvent());
        } else {
            for (Conflict c : conflicts) {
                log.action("ServiceNow", Messages.CreateChangeStep_conflict(change.number(), c.describe()));
            }
            ChangeTickets.timeline(getContext(), change.number(), Messages.CreateChangeStep_conflictsEvent(
                    conflicts.stream().map(Conflict::describe).distinct().collect(Collectors.joining("; "))));
        }
        ChangeType type = ChangeType.parse(change.type());
        Optional<String> refusal = ChangeScheduling.refusal(change, type, conflicts, scheduling().failOnConflict());
        if (refusal.isPresent()) {
            refuse(changes, refusal.get()); // ends the step
        }
        if (type == ChangeType.EMERGENCY && conflicts.stream().anyMatch(Conflict::isBlackout)) {
            log.action("ServiceNow", Messages.CreateChangeStep_emergencyInBlackout(change.number()));
        }
    }

    /** Goes on with what an asynchronous call answered, on the plugin's pool; its failure ends the step. */
    private <T> void then(CompletableFuture<T> call, Next<T> next) {
        call.whenComplete((value, failure) -> background(() -> {
            if (failure != null) {
                throw StepFailures.unwrap(failure);
            }
            if (!cancelIfStopped()) {
                next.accept(value);
            }
        }));
    }

    @FunctionalInterface
    private interface Next<T> {
        void accept(T value) throws Exception;
    }

    /** The deployment's line on the deployments page, for a change block (without a block, nothing is deployed here). */
    private void recordDeployment(String result) {
        ChangeRef c = change;
        if (c == null || !block()) {
            return;
        }
        try {
            Run<?, ?> run = getContext().get(Run.class);
            DeploymentRecords.deployed(run, new Deployment(run.getNumber(), c.number(), c.url(), c.type(), result, time(openedAt), time(approvedAt),
                    time(bodyStartedAt), time(bodyEndedAt), time(oldestCommitAt), "", "", null, null));
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Cannot record the deployment of change " + c.number(), e);
        }
    }

    private static Instant time(long epochMillis) {
        return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis);
    }

    /** The deployment may not run: the change is canceled with the reason, and the step ends with it. */
    private void refuse(Changes changes, String reason) throws Exception {
        BuildContext b = build();
        tell(ChangeStatus.CANCELED, null, reason, "refused");
        change = changes.cancel(change, Messages.CreateChangeStep_refusedNote(b.displayName(), reason, b.buildUrl()));
        ChangeTickets.record(getContext(), change, "canceled");
        recordDeployment(Deployment.CANCELED);
        throw new AbortException(reason);
    }

    /** After opening: ask for approval where it will be awaited or the change will be implemented. */
    private void submitted(Changes changes) throws Exception {
        if (!waitForApproval && !block()) {
            finish(ChangeResults.of(change));
            return;
        }
        if (cancelIfStopped()) {
            return;
        }
        change = changes.requestApproval(change);
        if (cancelIfStopped()) {
            return;
        }
        if (waitForApproval && !change.state().approved()) {
            wait = new ApprovalWait(change.sysId(), change.number(), System.currentTimeMillis() + timeoutMillis);
            stage = Stage.WAITING;
            getContext().saveState();
            log().action("ServiceNow", "waiting for approval of change " + change.number() + " " + change.url());
            listen();
        } else {
            approved(changes, change); // as requestApproval answered a moment ago
        }
    }

    private void listen() throws Exception {
        ApprovalWatcher.Watch w = ApprovalWaiting.register(getContext(), instance, wait, intervalMillis);
        watch = w;
        if (stopped) {
            w.stop(); // stop() came while the wait was being registered
            return;
        }
        w.outcome().whenComplete((outcome, failure) -> {
            if (stopped) {
                return;
            }
            if (failure != null) {
                getContext().onFailure(StepFailures.asAbort(failure));
            } else if (outcome.result() != ApprovalOutcome.Result.STOPPED) {
                background(() -> {
                    log().action("ServiceNow", outcome.message());
                    if (!outcome.approved()) {
                        tell(ChangeStatus.CANCELED, null, outcome.message(), "not approved");
                        recordDeployment(Deployment.CANCELED);
                        throw new AbortException(outcome.message());
                    }
                    ChangeRef c = change;
                    // what the poll just read is current: the step goes on from it without reading the change again
                    approved(changes(), new ChangeRef(c.sysId(), c.number(), c.type(), outcome.state(), "approved", c.url()));
                });
            }
        });
    }

    /**
     * Approved: without a block the step returns the change; with one, the change moves to Implement and the block
     * runs. The move is sent without holding a thread (a thousand approvals at once are a thousand requests in line
     * for the instance's slots, not for the plugin's two threads); what follows runs on the plugin's pool.
     *
     * @param known the change as read a moment ago (by the poll that saw the approval, or the request for it)
     */
    private void approved(Changes changes, ChangeRef known) throws Exception {
        if (approvedAt == 0) {
            approvedAt = System.currentTimeMillis();
        }
        if (scheduling().waitForWindow()) { // Ready is told with the planned start, once the window is read
            stage = Stage.WINDOW;
            windowWaitSince = System.currentTimeMillis();
            getContext().saveState();
            awaitWindow();
            return;
        }
        readySent = true;
        tell(ChangeStatus.READY, null, Messages.CreateChangeStep_eventApproved(known.number()), null);
        proceed(changes, known);
    }

    /**
     * Waits for the change's planned start without a thread: a timer wakes the step at the start (or every
     * {@link #WINDOW_RECHECK} before it, to see a window moved or a change canceled in ServiceNow meanwhile). After a
     * restart the wait resumes from the change as ServiceNow has it. Past the planned end the deployment is refused.
     */
    private void awaitWindow() throws Exception {
        if (stopped) {
            return;
        }
        Changes changes = changes();
        ChangeScheduling.Planned planned = changes.scheduling().planned(change);
        ChangeRef now = planned.change();
        ChangeWindow window = planned.window();
        change = now;
        if (now.state().ended() || now.state() == ChangeState.REVIEW) {
            String reason = Messages.CreateChangeStep_movedOnWhileWaiting(now.number(), now.state().label());
            tell(ChangeStatus.CANCELED, null, reason, "not deployed");
            recordDeployment(Deployment.CANCELED);
            throw new AbortException(reason);
        }
        if (!Changes.deployable(now)) {
            throw new AbortException(waitForApproval || now.state().ended()
                    ? Messages.CreateChangeStep_notApprovedAnyMore(now.number(), now.state().label())
                    : Messages.CreateChangeStep_notApprovedYet(now.number(), now.state().label()));
        }
        if (!window.hasStart()) {
            throw new AbortException(Messages.CreateChangeStep_windowGone(now.number()));
        }
        if (!readySent) {
            readySent = true;
            tell(ChangeStatus.READY, window.start(), Messages.CreateChangeStep_eventApprovedFor(now.number(), window.describe()), null);
        }
        Instant at = Instant.now();
        if (window.isOver(at)) {
            refuse(changes, Messages.CreateChangeStep_windowOver(now.number(), window.describe()));
            return;
        }
        Duration left = window.untilStart(at);
        if (left.isZero()) {
            Duration waited = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - windowWaitSince));
            log().action("ServiceNow", Messages.CreateChangeStep_windowOpen(now.number(), window.describe(), Texts.duration(waited)));
            ChangeTickets.timeline(getContext(), now.number(), Messages.CreateChangeStep_windowOpenEvent(Texts.duration(waited)));
            proceed(changes, now);
            return;
        }
        if (windowTimer == null) { // said once per run of the controller, not at every recheck
            log().action("ServiceNow", Messages.CreateChangeStep_waitingForWindow(now.number(), window.describe(), Texts.duration(left)));
            ChangeTickets.timeline(getContext(), now.number(), Messages.CreateChangeStep_waitingForWindowEvent(window.describe()));
        }
        long delay = Math.min(left.toMillis(), WINDOW_RECHECK.toMillis());
        windowTimer = PluginThreads.scheduler().schedule(() -> background(this::awaitWindow), delay, TimeUnit.MILLISECONDS);
        if (stopped) {
            windowTimer.cancel(false);
        }
    }

    /** How often a wait for the window reads the change again before its start. */
    static final Duration WINDOW_RECHECK = Duration.ofMinutes(10);

    /** Approved and inside its window (or not waiting for one): the step returns the change, or the block runs. */
    private void proceed(Changes changes, ChangeRef known) throws Exception {
        if (!block()) {
            finish(ChangeResults.of(known.state() == null || known.state() == ChangeState.UNKNOWN ? changes.refresh(known) : known));
            return;
        }
        stage = Stage.IMPLEMENTING;
        if (cancelIfStopped()) {
            return;
        }
        changes.startImplementationAsync(known).whenComplete((implementing, failure) -> background(() -> {
            if (failure != null) {
                throw StepFailures.unwrap(failure);
            }
            change = implementing;
            if (cancelIfStopped()) { // aborted while it moved to Implement: the block will not run
                return;
            }
            runBody();
        }));
    }

    private void runBody() throws Exception {
        log().action("ServiceNow", "change " + change.number() + " is " + change.state().label() + "; running the deployment");
        ChangeTickets.record(getContext(), change, "implementing");
        tell(ChangeStatus.PROCESSING, null, Messages.CreateChangeStep_eventDeploying(change.number(), build().displayName()), null);
        // no saveState() here: Pipeline saves the program once the body has started, with this stage in it. A save
        // before the start would cost each deployment a second save, and a restart between the two would leave a
        // step that waits for a body it never started.
        stage = Stage.BODY;
        bodyStarted = System.nanoTime();
        bodyStartedAt = System.currentTimeMillis();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVICENOW_CHANGE_NUMBER", change.number());
        env.put("SERVICENOW_CHANGE_SYS_ID", change.sysId());
        env.put("SERVICENOW_CHANGE_URL", change.url());
        getContext().newBodyInvoker()
                .withContext(EnvironmentExpander.merge(getContext().get(EnvironmentExpander.class), EnvironmentExpander.constant(env)))
                .withCallback(new AfterBody(this))
                .start();
    }

    /** The body ended: close the change with its result (cancel it when the build was aborted). */
    void bodyEnded(Object result, Throwable failure) {
        synchronized (this) {
            if (stage != Stage.BODY) {
                return;
            }
            stage = Stage.CLOSING;
            bodyAborted = failure instanceof FlowInterruptedException;
            bodyFailure = failure == null ? null : describe(failure);
            bodyEndedAt = System.currentTimeMillis();
        }
        background(() -> close(result, failure));
    }

    private void close(Object result, Throwable failure) throws Exception {
        Changes changes = changes();
        BuildContext context = build();
        String link = context.buildUrl();
        String build = context.displayName();
        if (bodyAborted) { // the cancellation's work note must be written once: a blocking write, on this pool thread
            ChangeRef canceled;
            try {
                canceled = changes.cancel(change, Messages.CreateChangeStep_abortedNote(build, link));
            } catch (ApiException e) {
                closed(null, e, result, failure);
                return;
            }
            closed(canceled, null, result, failure);
            return;
        }
        CloseCode code = bodyFailure == null ? CloseCode.SUCCESSFUL : CloseCode.UNSUCCESSFUL;
        String notes = bodyFailure == null ? Messages.CreateChangeStep_succeededNote(build, link)
                : Messages.CreateChangeStep_failedNote(build, bodyFailure, link);
        // a short deployment leaves the change as the step set it; after a longer one, people may have acted on it
        long started = bodyStarted;
        boolean current = started != 0 && System.nanoTime() - started < CURRENT_FOR_NANOS;
        recordEvidence(changes, context, current)
                .thenCompose(now -> changes.closeAsync(now, current, code, notes, PluginThreads.background()))
                .whenComplete((done, e) -> background(() -> closed(done, e == null ? null : StepFailures.unwrap(e), result, failure)));
    }

    /**
     * The deployment's evidence on the change, before it is closed: commits, tests, artifacts, agents, duration and the
     * actual start and end; with the move to Review when the change is as the step left it ({@code current}). A
     * report: when it cannot be written, the console says so and the change is closed all the same.
     *
     * @return the change as the write left it
     */
    private CompletableFuture<ChangeRef> recordEvidence(Changes changes, BuildContext context, boolean current) throws Exception {
        ChangeRef known = change;
        if (evidenceWritten) {
            return CompletableFuture.completedFuture(known); // before a restart
        }
        long started = bodyStartedAt;
        long ended = bodyEndedAt;
        Instant end = ended == 0 ? Instant.now() : Instant.ofEpochMilli(ended);
        // a close that resumes after a restart may follow an evidence write whose answer was lost
        boolean resumed = closeResumed;
        Duration took = started == 0 ? null : Duration.between(Instant.ofEpochMilli(started), end);
        Evidence evidence = DeployEvidence.of(getContext().get(Run.class), context.displayName(), context.buildUrl(),
                bodyFailure == null ? "successful" : "unsuccessful: " + bodyFailure, took, getContext().get(FlowNode.class));
        evidence.commits().stream().map(Evidence.Commit::time).filter(Objects::nonNull).min(Comparator.naturalOrder())
                .ifPresent(oldest -> oldestCommitAt = oldest.toEpochMilli());
        StepLog log = log();
        String number = change.number();
        // sent without holding a thread: a thousand deployments ending together must not queue on the plugin's pool
        // resumed: a note of this build written since its block started (by its heading) is not written again
        Instant mayBeSentSince = !resumed ? null : started != 0 ? Instant.ofEpochMilli(started) : end.minus(Duration.ofDays(1));
        Instant workStart = started == 0 ? null : Instant.ofEpochMilli(started);
        CompletableFuture<ChangeRef> write = current && !resumed ? changes.recordEvidenceInReviewAsync(known, evidence, workStart, end)
                : changes.recordEvidenceAsync(known, evidence, workStart, end, mayBeSentSince).thenApply(written -> known);
        return write.handle((now, e) -> {
            if (e != null) {
                log.action("ServiceNow", Messages.CreateChangeStep_evidenceFailed(number, StepFailures.unwrap(e).getMessage()));
                return known;
            }
            evidenceWritten = true;
            log.action("ServiceNow", Messages.CreateChangeStep_evidence(number, evidence.commits().size(),
                    evidence.artifacts().size(), evidence.tests() == null ? "no" : Integer.toString(evidence.tests().total())));
            return now;
        });
    }

    /** The change was closed (or canceled), or could not be: says so, and ends the step with the block's result. */
    private void closed(ChangeRef closed, Exception closeFailure, Object result, Throwable failure) throws Exception {
        // the deployment ran, whether or not its change could be closed
        recordDeployment(bodyAborted ? Deployment.ABORTED : bodyFailure == null ? Deployment.SUCCESSFUL : Deployment.UNSUCCESSFUL);
        if (closeFailure != null) {
            if (!(closeFailure instanceof ApiException e)) {
                throw closeFailure;
            }
            if (failure == null && bodyFailure == null) {
                throw e; // the deployment worked, but the change could not be closed: that is this step's failure
            }
            log().action("ServiceNow", Messages.CreateChangeStep_closeFailed(change.number(), e.getMessage()));
        } else {
            ChangeTickets.record(getContext(), closed, bodyAborted ? "canceled" : "closed");
            if (bodyAborted) {
                tell(ChangeStatus.CANCELED, null, Messages.CreateChangeStep_eventAborted(closed.number()), "aborted");
            } else {
                tell(ChangeStatus.DONE, null, bodyFailure == null ? Messages.CreateChangeStep_eventSucceeded(closed.number())
                        : Messages.CreateChangeStep_eventFailed(closed.number(), bodyFailure), bodyFailure == null ? "successful" : "unsuccessful");
            }
            log().action("ServiceNow", "change " + closed.number() + " is " + closed.state().label()
                    + (bodyAborted ? "" : " (" + (bodyFailure == null ? "successful" : "unsuccessful") + ")") + " " + closed.url());
        }
        stage = Stage.DONE;
        // the step ends once the deployment's last change event is out, or once its events are seen waiting for
        // Flashduty's rate: a Flashduty that refuses them still reaches this step's log, one that limits them does not
        // hold the build
        DeploymentEvents e = events;
        CompletableFuture<Void> told = e == null ? CompletableFuture.completedFuture(null) : e.sentWithin(DeploymentEvents.AT_END, log());
        told.whenComplete((sent, ignored) -> {
            if (failure != null) {
                getContext().onFailure(failure);
            } else if (bodyFailure != null) {
                getContext().onFailure(new AbortException(bodyFailure)); // resumed after a restart: the original failure is gone
            } else {
                getContext().onSuccess(result);
            }
        });
    }

    private void finish(Object result) {
        if (waitForApproval) {
            ChangeTickets.record(getContext(), change, "approved");
        }
        stage = Stage.DONE;
        getContext().onSuccess(result);
    }

    private static String describe(Throwable t) {
        if (t instanceof FlowInterruptedException) {
            return "aborted";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m.strip();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * The contract for an aborted build: a change this step opened is cancelled, with a note naming the build, at
     * whatever stage the abort comes (opening, waiting for approval, moving to Implement); while the block runs,
     * the block's end cancels it. After a stop, no other write is sent for this step.
     */
    @Override
    public void stop(Throwable cause) {
        synchronized (this) {
            if (stage == Stage.BODY || stage == Stage.CLOSING) {
                return; // the block's end closes (or cancels) the change
            }
            if (stage == Stage.DONE) {
                return;
            }
            cancellation = Cancellation.take(this);
            stopped = true;
            stage = Stage.DONE;
        }
        ApprovalWatcher.Watch w = watch;
        if (w != null) {
            w.stop();
        }
        ScheduledFuture<?> timer = windowTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        getContext().onFailure(cause);
        if (change != null) {
            PluginThreads.background().submit(this::cancelAfterStopQuietly);
        }
    }

    private void cancelAfterStopQuietly() {
        try {
            cancelAfterStop();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "Could not cancel change " + (change == null ? "" : change.number()) + " after the build was aborted", e);
        }
    }

    /** After a write: when the build was aborted meanwhile, cancels the change instead of going on; true then. */
    private boolean cancelIfStopped() throws Exception {
        if (!stopped) {
            return false;
        }
        cancelAfterStop();
        return true;
    }

    /** Cancels the change once, with a note naming the build; called from whichever thread sees the stop first. */
    private void cancelAfterStop() throws Exception {
        Cancellation how;
        synchronized (this) {
            if (cancelled || change == null) {
                return;
            }
            cancelled = true;
            how = cancellation;
        }
        if (how == null) {
            return; // the step ended without a stop() of this run (e.g. after a restart)
        }
        ChangeRef c = how.changes.cancel(change, Messages.CreateChangeStep_abortedNote(how.build.displayName(), how.build.buildUrl()));
        change = c;
        how.log.action("ServiceNow", Messages.CreateChangeStep_canceledOnAbort(c.number(), c.url()));
        DeploymentEvents e = events;
        if (e != null) {
            e.send(how.run, how.build, how.log, ChangeStatus.CANCELED, null, Messages.CreateChangeStep_eventAborted(c.number()), "aborted");
        }
        ChangeTickets.record(getContext(), c, "canceled");
    }

    /** The client, build facts and console of a stopped step, taken while its context still serves them. */
    private record Cancellation(Changes changes, BuildContext build, StepLog log, Run<?, ?> run) {
        static Cancellation take(CreateChangeExecution e) {
            try {
                return new Cancellation(e.changes(), e.build(), e.log(), e.getContext().get(Run.class));
            } catch (Exception failure) {
                LOG.log(Level.WARNING, "Cannot cancel the change of an aborted build", failure);
                return null;
            }
        }
    }

    @Override
    public void onResume() {
        if (stopped) {
            return;
        }
        switch (stage) {
            case OPENING -> background(() -> {
                Changes changes = changes();
                change = changes.findOpened(correlationId).orElseThrow(() -> new AbortException(
                        Messages.CreateChangeStep_restartedWhileOpening(correlationId)));
                log().action("ServiceNow", "resuming with change " + change.number() + " " + change.url());
                events = new DeploymentEvents(change.number(), eventTitle, durableEvents);
                plan(changes, () -> submitted(changes));
            });
            case WAITING -> background(this::listen);
            case WINDOW -> background(this::awaitWindow);
            case IMPLEMENTING -> background(() -> proceed(changes(), change));
            case CLOSING -> background(() -> {
                closeResumed = true;
                close(null, null);
            });
            default -> {
                // BODY: the body resumes by itself and its callback closes the change; DONE: nothing left
            }
        }
    }

    @Override
    public String getStatus() {
        ChangeRef c = change;
        return stage.name().toLowerCase(Locale.ROOT) + (c == null ? "" : " " + c.number());
    }

    /** Runs network work off the Pipeline thread; any failure ends the step with its sentence. */
    private void background(Work work) {
        PluginThreads.background().submit(() -> {
            try {
                work.run();
            } catch (Throwable t) {
                if (stopped) {
                    LOG.log(Level.FINE, "after the build was aborted", t); // the step has ended already
                    return;
                }
                stage = Stage.DONE;
                getContext().onFailure(StepFailures.asAbort(t));
            }
        });
    }

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** Hands the body's end back to the execution; kept with the program across a restart. */
    private static final class AfterBody extends BodyExecutionCallback {
        @Serial
        private static final long serialVersionUID = 1L;
        private final CreateChangeExecution execution;

        AfterBody(CreateChangeExecution execution) {
            this.execution = execution;
        }

        @Override
        public void onSuccess(StepContext context, Object result) {
            execution.bodyEnded(result, null);
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            execution.bodyEnded(null, t);
        }
    }
}
