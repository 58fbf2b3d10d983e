package io.jenkins.plugins.servicenowflashduty.delivery;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.init.Terminator;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.delivery.Backoff;
import io.jenkins.plugins.servicenowflashduty.client.delivery.Delivery;
import io.jenkins.plugins.servicenowflashduty.client.delivery.Outbox;
import io.jenkins.plugins.servicenowflashduty.client.delivery.OutboxHealth;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueueFullException;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.client.delivery.Undeliverable;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.EventStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyChangeEvents;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.PushResult;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentOutcome;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.config.Clients;
import io.jenkins.plugins.servicenowflashduty.config.ConfigurationException;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.incident.IncidentStep;
import io.jenkins.plugins.servicenowflashduty.run.PluginThreads;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;

/**
 * The controller's delivery queue: what the admin-wide rules and {@code durable: true} steps send is written
 * under {@code JENKINS_HOME/servicenow-flashduty-deliveries} first, then delivered in the background until
 * ServiceNow or Flashduty takes it, across restarts. Each delivery remembers the build it came from; its
 * credentials are looked up in that build's context when it is sent.
 */
@Extension
public final class Deliveries {
    private static final Logger LOG = Logger.getLogger(Deliveries.class.getName());
    static final String DIRECTORY = "servicenow-flashduty-deliveries";
    /** The queue's bound: enough for an outage of a day on a large controller, small enough to list. */
    private static final int CAPACITY = SystemProperties.getInteger(Deliveries.class.getName() + ".capacity", 10_000);
    /** One job's share: a pipeline in a loop cannot fill the queue for every other job and the admin-wide rules. */
    private static final int PER_JOB = SystemProperties.getInteger(Deliveries.class.getName() + ".perJob", 200);
    /** Keys sent side by side: a rate-limited Flashduty must not hold up ServiceNow, nor one instance another. */
    private static final int PARALLELISM = 4;
    private static final String STEP = "step:";
    private static final String RULE = "rule:";

    private Outbox outbox;
    /** Why the queue could not be opened, or empty. */
    private volatile String openProblem = "";
    private long openFailedAt;
    private boolean started;
    private static final long REOPEN_AFTER_NANOS = TimeUnit.MINUTES.toNanos(1);

    public static Deliveries get() {
        return ExtensionList.lookupSingleton(Deliveries.class);
    }

    /**
     * Opens the queue once the jobs are loaded (deliveries look their builds up) and starts sending. Never fatal: a
     * queue directory that cannot be read (after a restore, on a read-only disk) must not stop the controller; the
     * monitor says what is wrong and the queue is opened again on its next use.
     */
    @Initializer(after = InitMilestone.JOB_CONFIG_ADAPTED, fatal = false)
    public static void startDelivering() {
        Deliveries d = get();
        synchronized (d) {
            d.started = true;
        }
        Outbox o = d.outbox();
        if (o != null) {
            o.start(PluginThreads.scheduler()); // no thread of its own while nothing is due
        }
    }

    /** Stops sending when the controller stops; what is left stays on disk for the next start. */
    @Terminator
    public static void stopDelivering() {
        get().close();
    }

    /** The queue, opened on first use; null (with {@link #openProblem} set) while its directory cannot be opened. */
    synchronized Outbox outbox() {
        if (outbox == null && (openProblem.isEmpty() || System.nanoTime() - openFailedAt > REOPEN_AFTER_NANOS)) {
            Path dir = Jenkins.get().getRootDir().toPath().resolve(DIRECTORY);
            try {
                outbox = Outbox.open(dir, CAPACITY, Backoff.standard(), Clock.systemUTC(), this::deliver, new Outbox.Observer() {
                    @Override
                    public void failed(Delivery d, String sentence) {
                        LOG.log(Level.INFO, "{0}: {1}", new Object[] {d.summary(), sentence});
                    }

                    @Override
                    public void dropped(Delivery d, String sentence) {
                        LOG.log(Level.WARNING, Messages.Deliveries_dropped(d.summary(), sentence));
                        Run<?, ?> run = runOf(d);
                        if (run != null) {
                            TicketsAction.record(run, kindOf(d), d.key(), "", Messages.Deliveries_droppedAction(sentence),
                                    d.origin().startsWith(RULE) ? TicketsAction.ADMIN_WIDE : TicketsAction.QUEUED, "");
                        }
                    }

                    @Override
                    public void unexpected(Throwable t) {
                        LOG.log(Level.WARNING, "The delivery worker met an unexpected failure; it goes on", t);
                    }
                }, PARALLELISM).limitPerGroup(PER_JOB, Deliveries::jobOf);
                openProblem = "";
                if (started) {
                    outbox.start(PluginThreads.scheduler());
                }
            } catch (IOException | RuntimeException e) {
                openProblem = Messages.Deliveries_cannotOpen(dir, why(e, dir));
                openFailedAt = System.nanoTime();
                LOG.log(Level.WARNING, openProblem, e);
            }
        }
        return outbox;
    }

    /** The JDK's file exceptions often say only the path: then the kind of failure is the news. */
    private static String why(Exception e, Path dir) {
        String m = e.getMessage();
        String kind = e.getClass().getSimpleName();
        return m == null || m.isBlank() || m.equals(dir.toString()) ? kind : kind + ": " + m;
    }

    private Outbox usable() {
        Outbox o = outbox();
        if (o == null) {
            throw new IllegalStateException(openProblem);
        }
        return o;
    }

    synchronized void close() {
        if (outbox != null) {
            outbox.close();
            outbox = null;
        }
    }

    /**
     * Queues a write a build's step asked for; it is on disk when this returns.
     *
     * @throws QueueFullException when the queue is full; the sentence says what was not queued
     */
    public Delivery queueForStep(QueuedWrites.Write write, Run<?, ?> run) {
        return usable().add(write, STEP + run.getExternalizableId());
    }

    /** Queues a write of an admin-wide rule for a build that just completed. */
    public Delivery queueForRule(QueuedWrites.Write write, Run<?, ?> run) {
        return usable().add(write, RULE + run.getExternalizableId());
    }

    /** Whether a step of this build queued a write of one of these kinds that has not gone out yet. */
    public boolean stepQueued(Run<?, ?> run, String... kinds) {
        String origin = STEP + run.getExternalizableId();
        List<String> wanted = List.of(kinds);
        Outbox o = outbox();
        return o != null && o.anyPending(d -> d.origin().equals(origin) && wanted.contains(d.kind()));
    }

    public List<Delivery> pending() {
        Outbox o = outbox();
        return o == null ? List.of() : o.pending();
    }

    public OutboxHealth health() {
        Outbox o = outbox();
        return o == null ? new OutboxHealth(0, 0, 0, 0, null, "", 0, 0, openProblem) : o.health();
    }

    public boolean retry(String id) {
        Outbox o = outbox();
        return o != null && o.retry(id);
    }

    public boolean discard(String id) {
        Outbox o = outbox();
        boolean gone = o != null && o.discard(id);
        if (gone) {
            LOG.log(Level.INFO, "Delivery {0} discarded by {1}", new Object[] {id, Jenkins.getAuthentication2().getName()});
        }
        return gone;
    }

    /** The build a delivery came from, as its id ({@code job/path#12}): its origin is {@code step:} or {@code rule:} and that id. */
    private static String runIdOf(String origin) {
        return origin.substring(origin.indexOf(':') + 1);
    }

    /** The job a delivery came from. */
    static String jobOf(String origin) {
        String id = runIdOf(origin);
        int hash = id.lastIndexOf('#');
        return hash < 0 ? id : id.substring(0, hash);
    }

    /** The build a delivery came from, whoever may see it; null when it is gone (or was none). */
    private static Run<?, ?> runOf(Delivery d) {
        String id = runIdOf(d.origin());
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            return id.isEmpty() ? null : Run.fromExternalizableId(id);
        }
    }

    private static TicketEntry.Kind kindOf(Delivery d) {
        return switch (d.kind()) {
            case QueuedWrites.ALERT, QueuedWrites.RECOVER, QueuedWrites.CHANGE_EVENT -> TicketEntry.Kind.ALERT;
            case QueuedWrites.NOTE -> TicketsAction.kindOf(d.payload().path("number").asText(""));
            default -> TicketEntry.Kind.INCIDENT;
        };
    }

    /** Sends one delivery, as the system: its build is looked up whoever may see it, then used for the credentials. */
    private void deliver(Delivery d) throws Exception {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            boolean rule = d.origin().startsWith(RULE);
            Run<?, ?> run = runOf(d);
            if (run == null && !rule) {
                // a step's credentials may only be used in its build's context, which is gone
                throw new Undeliverable(Messages.Deliveries_buildGone(runIdOf(d.origin())));
            }
            // an admin-wide rule is the admin's: it signs in with the admin's binding whichever job it reports on;
            // a step's write uses what its build may use (a folder's credential, the instance's allowed jobs)
            Object result = QueuedWrites.perform(d, new QueuedWrites.Targets() {
                @Override
                public ServiceNowClient serviceNow(String instance, Delivery delivery) {
                    ServiceNowInstance configured = instance(instance);
                    return configurationOf(() -> rule ? Clients.get().serviceNowForAdmin(configured) : Clients.get().serviceNow(configured, run));
                }

                @Override
                public FlashdutyClient flashduty(Delivery delivery) {
                    FlashdutyConfiguration config = FlashdutyConfiguration.get();
                    return configurationOf(() -> rule
                            ? Clients.get().flashdutyForAdmin(config.getBaseUrl(), config.getIntegrationKeyCredentialsId(), config.isAllowPlainHttp())
                            : Clients.get().flashduty(config, run));
                }

                @Override
                public Optional<FlashdutyChangeEvents> flashdutyChanges(Delivery delivery) {
                    return run == null ? Optional.empty() : configurationOf(() -> Clients.get().changeEvents(FlashdutyConfiguration.get(), run));
                }
            });
            if (run != null) {
                record(run, d, result, rule ? TicketsAction.ADMIN_WIDE : TicketsAction.QUEUED);
            }
        }
    }

    /** A client made from the configuration as it is now: a problem with it waits for an administrator, not for time. */
    private static <T> T configurationOf(ClientMaker<T> maker) {
        try {
            return maker.make();
        } catch (ConfigurationException e) {
            throw new Undeliverable(e.getMessage());
        }
    }

    @FunctionalInterface
    private interface ClientMaker<T> {
        T make() throws ConfigurationException;
    }

    private static ServiceNowInstance instance(String name) {
        try {
            return ServiceNowConfiguration.get().instance(name);
        } catch (ConfigurationException e) {
            throw new Undeliverable(e.getMessage()); // removed since: waiting will not bring it back, an admin may
        }
    }

    private static void record(Run<?, ?> run, Delivery d, Object result, String origin) {
        if (result instanceof IncidentOutcome o) {
            IncidentStep.recorded(run, o, origin);
        } else if (result instanceof SnRecord ticket && d.kind().equals(QueuedWrites.NOTE)) {
            TicketsAction.record(run, TicketsAction.kindOf(ticket.number()), ticket.number(), "", "noted", origin, "");
        } else if (result instanceof PushResult pushed) {
            boolean recovered = d.kind().equals(QueuedWrites.RECOVER);
            TicketsAction.record(run, TicketEntry.Kind.ALERT, pushed.alertKey(), "", recovered ? "recovered" : "alerted", origin,
                    recovered ? EventStatus.OK.wire() : EventStatus.valueOf(d.payload().path("status").asText("CRITICAL")).wire());
        }
    }
}
