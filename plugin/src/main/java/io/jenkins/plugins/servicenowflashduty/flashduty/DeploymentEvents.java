package io.jenkins.plugins.servicenowflashduty.flashduty;

import hudson.model.Run;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.ChangeEvent;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.ChangeStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.DeployEvents;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyChangeEvents;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpTransport;
import io.jenkins.plugins.servicenowflashduty.client.http.RetryPolicy;
import io.jenkins.plugins.servicenowflashduty.client.http.Timers;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.config.Clients;
import io.jenkins.plugins.servicenowflashduty.config.ConfigurationException;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.delivery.Deliveries;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tells Flashduty where one deployment stands (Planned, Ready, Processing, Done or Canceled), as change events of one
 * change. Only when the admin configured a change integration. Events go out in order, off the deployment's path; a
 * Flashduty that is down costs a console line, never the deployment. With {@code durable}, events are queued like the
 * other durable writes and survive a restart.
 */
public final class DeploymentEvents implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(DeploymentEvents.class.getName());
    /** Short patience: a deployment's events must not queue up behind a Flashduty that is down. */
    private static final RetryPolicy PATIENCE = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(15));

    /** How long a deployment's end waits for its last change event before its step ends without it. */
    public static final Duration AT_END = Duration.ofSeconds(2);

    private final String changeKey;
    private final String title;
    private final boolean durable;
    /** The step's own labels, after the build's and before the admin's. */
    private final LinkedHashMap<String, String> labels;
    private transient CompletableFuture<Void> last;
    /** The step stopped waiting for its events: what becomes of the rest goes to the controller's log too. */
    private transient volatile boolean unwatched;
    /** Where the events went last, to tell events held back by Flashduty's rate from events on their way. */
    private transient volatile FlashdutyChangeEvents client;

    public DeploymentEvents(String changeKey, String title, boolean durable) {
        this(changeKey, title, durable, Map.of());
    }

    public DeploymentEvents(String changeKey, String title, boolean durable, Map<String, String> labels) {
        this.changeKey = changeKey;
        this.title = title;
        this.durable = durable;
        this.labels = new LinkedHashMap<>(labels);
    }

    /**
     * Sends one event after the earlier ones.
     *
     * @param at the event's time (a planned start for {@link ChangeStatus#READY}); now when null
     * @param result a {@code result} label (successful, unsuccessful, aborted), or null
     */
    public synchronized void send(Run<?, ?> run, BuildContext build, StepLog log, ChangeStatus status, Instant at, String description,
                                  String result) {
        FlashdutyConfiguration config = FlashdutyConfiguration.get();
        if (config.getChangeEventsCredentialsId() == null) {
            return;
        }
        Map<String, String> extra = new LinkedHashMap<>();
        if (result != null) {
            extra.put("result", result);
        }
        labels.forEach(extra::putIfAbsent);
        config.changeLabels().forEach(extra::putIfAbsent);
        ChangeEvent event = DeployEvents.first(changeKey, status, title, build, extra, description);
        if (at != null) {
            event = event.next(status, at, event.description());
        }
        if (durable) {
            try {
                Deliveries.get().queueForStep(QueuedWrites.changeEvent(event, build.displayName()), run);
            } catch (RuntimeException e) {
                log.action("Flashduty", Messages.DeploymentEvents_notQueued(status.wire(), changeKey));
                LOG.log(Level.WARNING, "could not queue a change event", e);
            }
            return;
        }
        Optional<FlashdutyChangeEvents> to;
        try {
            to = Clients.get().changeEvents(config, run);
        } catch (ConfigurationException | ApiException e) { // e.g. a push URL that is not one: its sentence, never the URL
            log.action("Flashduty", Messages.DeploymentEvents_notSent(status.wire(), changeKey, e.getMessage()));
            return;
        }
        if (to.isEmpty()) {
            return;
        }
        FlashdutyChangeEvents client = to.get().withRetry(PATIENCE);
        this.client = client;
        ChangeEvent sent = event;
        CompletableFuture<Void> before = last == null ? CompletableFuture.completedFuture(null) : last;
        // after the earlier event, whatever became of it; the request and its retries wait on timers, holding no thread
        last = before.handle((ok, ignored) -> null).thenCompose(ignored -> client.pushAsync(sent)).handle((ok, failure) -> {
            if (failure != null) {
                Throwable cause = HttpTransport.unwrap(failure);
                if (cause instanceof ApiException e) {
                    log.action("Flashduty", Messages.DeploymentEvents_notSent(status.wire(), changeKey, e.getMessage()));
                    if (unwatched) { // the build's console may be closed by now
                        LOG.log(Level.WARNING, "Flashduty change event {0} of {1} was not sent: {2}",
                                new Object[] {status.wire(), changeKey, e.getMessage()});
                    }
                } else {
                    LOG.log(Level.WARNING, "could not send a change event", cause);
                }
            }
            return null;
        });
    }

    /** The events sent so far, for tests and for a step that wants them out before it ends. */
    public synchronized CompletableFuture<Void> sent() {
        return last == null ? CompletableFuture.completedFuture(null) : last;
    }

    /**
     * Completes once the events sent so far are out, or as soon as they are seen waiting for their turn under
     * Flashduty's rate (minutes when a thousand deployments end together; looked at now and after {@code patience}):
     * the console then says that they go on without the step. Events on their way, or retried after a failure, are
     * waited for (their retries are short), so that a Flashduty that is down still reaches the console.
     */
    public CompletableFuture<Void> sentWithin(Duration patience, StepLog log) {
        CompletableFuture<Void> out = sent();
        if (out.isDone()) {
            return out;
        }
        CompletableFuture<Void> waited = new CompletableFuture<>();
        if (leftToGoOn(out, log)) {
            waited.complete(null);
            return waited;
        }
        out.whenComplete((ok, ignored) -> waited.complete(null));
        Timers.after(patience.toMillis(), () -> {
            if (leftToGoOn(out, log)) {
                waited.complete(null);
            }
        });
        return waited;
    }

    /** Whether the events are held back by Flashduty's rate, and so go on without the step (which the console says). */
    private boolean leftToGoOn(CompletableFuture<Void> out, StepLog log) {
        FlashdutyChangeEvents to = client;
        if (out.isDone() || to == null || !to.holdsEventsBack()) {
            return false;
        }
        unwatched = true;
        log.action("Flashduty", Messages.DeploymentEvents_goOn(changeKey));
        return true;
    }
}
