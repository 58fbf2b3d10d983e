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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
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
    /** Keys sent side by side: a rate-limited Flashduty must not hold up ServiceNow, nor one instance another. */
    private static final int PARALLELISM = 4;
    private static final String STEP = "step:";
    private static final String RULE = "rule:";

    private Outbox outbox;

    public static Deliveries get() {
        return ExtensionList.lookupSingleton(Deliveries.class);
    }

    /** Opens the queue once the jobs are loaded (deliveries look their builds up) and starts sending. */
    @Initializer(after = InitMilestone.JOB_CONFIG_ADAPTED)
    public static void startDelivering() {
        get().outbox().start();
    }

    /** Stops sending when the controller stops; what is left stays on disk for the next start. */
    @Terminator
    public static void stopDelivering() {
        get().close();
    }

    synchronized Outbox outbox() {
        if (outbox == null) {
            Path dir = Jenkins.get().getRootDir().toPath().resolve(DIRECTORY);
            try {
                outbox = Outbox.open(dir, CAPACITY, Backoff.standard(), Clock.systemUTC(), this::deliver, new Outbox.Observer() {
                    @Override
                    public void failed(Delivery d, String sentence) {
                        LOG.log(Level.INFO, "{0}: {1}", new Object[] {d.summary(), sentence});
                    }
                }, PARALLELISM);
            } catch (IOException e) {
                throw new UncheckedIOException(Messages.Deliveries_cannotOpen(dir, e.getMessage()), e);
            }
        }
        return outbox;
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
        return outbox().add(write, STEP + run.getExternalizableId());
    }

    /** Queues a write of an admin-wide rule for a build that just completed. */
    public Delivery queueForRule(QueuedWrites.Write write, Run<?, ?> run) {
        return outbox().add(write, RULE + run.getExternalizableId());
    }

    /** Whether a step of this build queued a write of one of these kinds that has not gone out yet. */
    public boolean stepQueued(Run<?, ?> run, String... kinds) {
        String origin = STEP + run.getExternalizableId();
        List<String> wanted = List.of(kinds);
        return outbox().anyPending(d -> d.origin().equals(origin) && wanted.contains(d.kind()));
    }

    public List<Delivery> pending() {
        return outbox().pending();
    }

    public OutboxHealth health() {
        return outbox().health();
    }

    public boolean retry(String id) {
        return outbox().retry(id);
    }

    public boolean discard(String id) {
        boolean gone = outbox().discard(id);
        if (gone) {
            LOG.log(Level.INFO, "Delivery {0} discarded by {1}", new Object[] {id, Jenkins.getAuthentication2().getName()});
        }
        return gone;
    }

    /** Sends one delivery, as the system: its build is looked up whoever may see it, then used for the credentials. */
    private void deliver(Delivery d) throws Exception {
        try (ACLContext ignored = ACL.as2(ACL.SYSTEM2)) {
            boolean rule = d.origin().startsWith(RULE);
            String runId = d.origin().substring(d.origin().indexOf(':') + 1);
            Run<?, ?> run = runId.isEmpty() ? null : Run.fromExternalizableId(runId);
            if (run == null && !rule) {
                // a step's credentials may only be used in its build's context, which is gone
                throw new Undeliverable(Messages.Deliveries_buildGone(runId));
            }
            Object result = QueuedWrites.perform(d, new QueuedWrites.Targets() {
                @Override
                public ServiceNowClient serviceNow(String instance, Delivery delivery) throws ConfigurationException {
                    ServiceNowInstance configured = instance(instance);
                    return run == null ? Clients.get().serviceNowAtRoot(configured) : Clients.get().serviceNow(configured, run);
                }

                @Override
                public FlashdutyClient flashduty(Delivery delivery) throws ConfigurationException {
                    FlashdutyConfiguration config = FlashdutyConfiguration.get();
                    return run == null ? Clients.get().flashdutyAtRoot(config) : Clients.get().flashduty(config, run);
                }
            });
            if (run != null) {
                record(run, d, result, rule ? " (admin-wide)" : " (queued)");
            }
        }
    }

    private static ServiceNowInstance instance(String name) {
        try {
            return ServiceNowConfiguration.get().instance(name);
        } catch (ConfigurationException e) {
            throw new Undeliverable(e.getMessage()); // removed since: waiting will not bring it back, an admin may
        }
    }

    private static void record(Run<?, ?> run, Delivery d, Object result, String how) {
        if (result instanceof IncidentOutcome o && o.action() != IncidentOutcome.Action.NONE) {
            TicketsAction.record(run, TicketEntry.Kind.INCIDENT, o.number(), o.url(), o.action().name().toLowerCase(Locale.ROOT) + how,
                    o.action() == IncidentOutcome.Action.RESOLVED ? "Resolved" : "Open");
        } else if (result instanceof SnRecord ticket && d.kind().equals(QueuedWrites.NOTE)) {
            TicketsAction.record(run, TicketsAction.kindOf(ticket.number()), ticket.number(), "", "noted" + how, "");
        } else if (result instanceof PushResult pushed) {
            boolean recovered = d.kind().equals(QueuedWrites.RECOVER);
            TicketsAction.record(run, TicketEntry.Kind.ALERT, pushed.alertKey(), "", (recovered ? "recovered" : "alerted") + how,
                    recovered ? EventStatus.OK.wire() : EventStatus.valueOf(d.payload().path("status").asText("CRITICAL")).wire());
        }
    }
}
