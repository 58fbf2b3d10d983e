package io.jenkins.plugins.servicenowflashduty.automation;

import hudson.Extension;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.EventStatus;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.IncidentLink;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.TriggerOptions;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.run.BuildFacts;
import io.jenkins.plugins.servicenowflashduty.delivery.Deliveries;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out {@link AlertOnFailure}: after a selected job's build completes, a counted failure triggers the
 * job's alert and the first success after one recovers it, through the delivery queue (never on the thread
 * that finishes the build). A build whose own {@code flashdutyNotify} already spoke, or queued that, is left
 * alone.
 */
@Extension
public final class FailureAlerts extends RunListener<Run<?, ?>> {
    private static final Logger LOG = Logger.getLogger(FailureAlerts.class.getName());

    @Override
    public void onCompleted(Run<?, ?> run, TaskListener listener) {
        AlertOnFailure rule = FlashdutyConfiguration.get().getAlertOnFailure();
        if (rule == null || !rule.selects(run.getParent())) {
            return;
        }
        Result result = run.getResult();
        boolean trigger = rule.counts(result);
        boolean recover = rule.recovered(run);
        TicketsAction tickets = run.getAction(TicketsAction.class);
        boolean alreadyAlerted = tickets != null && tickets.getTickets().stream().anyMatch(t -> t.getKind() == TicketEntry.Kind.ALERT)
                || Deliveries.get().stepQueued(run, QueuedWrites.ALERT, QueuedWrites.RECOVER);
        if (!trigger && !recover || alreadyAlerted) {
            return;
        }
        try {
            BuildContext build = BuildFacts.of(run, run.getEnvironment(TaskListener.NULL));
            IncidentLink incident = tickets == null ? null
                    : tickets.lastIncident().map(t -> new IncidentLink(t.getNumber(), t.getUrl())).orElse(null);
            EventStatus status = result == Result.FAILURE ? EventStatus.CRITICAL : EventStatus.WARNING;
            TriggerOptions options = new TriggerOptions(trigger ? status : EventStatus.OK, null, null, null, rule.labelMap(), incident);
            Deliveries.get().queueForRule(QueuedWrites.alert(build, options, !trigger), run);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // the build log (the listener is the completed build's) and the controller log both say what was not sent
            String sentence = Messages.FailureAlerts_notQueued(run.getFullDisplayName(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            listener.getLogger().println(sentence);
            LOG.log(Level.WARNING, sentence);
        }
    }
}
