package io.jenkins.plugins.servicenowflashduty.automation;

import hudson.EnvVars;
import hudson.Extension;
import hudson.model.Result;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.EventStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyAlerts;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.IncidentLink;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.PushResult;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.TriggerOptions;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.config.Clients;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.run.BuildFacts;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out {@link AlertOnFailure}: after a selected job's build completes, a counted failure triggers the
 * job's alert and the first success after one recovers it, on the plugin's pool. A build whose own
 * {@code flashdutyNotify} already spoke is left alone.
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
        boolean alreadyAlerted = tickets != null && tickets.getTickets().stream().anyMatch(t -> t.getKind() == TicketEntry.Kind.ALERT);
        if (!trigger && !recover || alreadyAlerted) {
            return;
        }
        Clients.get().background().submit(() -> deliver(run, rule, trigger, result));
    }

    private static void deliver(Run<?, ?> run, AlertOnFailure rule, boolean trigger, Result result) {
        try {
            FlashdutyAlerts alerts = new FlashdutyAlerts(Clients.get().flashduty(FlashdutyConfiguration.get(), run));
            EnvVars env = run.getEnvironment(TaskListener.NULL);
            BuildContext build = BuildFacts.of(run, env);
            TicketsAction tickets = run.getAction(TicketsAction.class);
            IncidentLink incident = tickets == null ? null
                    : tickets.lastIncident().map(t -> new IncidentLink(t.getNumber(), t.getUrl())).orElse(null);
            EventStatus status = result == Result.FAILURE ? EventStatus.CRITICAL : EventStatus.WARNING;
            TriggerOptions options = new TriggerOptions(trigger ? status : EventStatus.OK, null, null, null, rule.labelMap(), incident);
            PushResult pushed = trigger ? alerts.trigger(build, options) : alerts.resolve(build, options);
            TicketsAction.record(run, TicketEntry.Kind.ALERT, pushed.alertKey(), "", (trigger ? "alerted" : "recovered") + " (admin-wide)",
                    trigger ? status.wire() : EventStatus.OK.wire());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, io.jenkins.plugins.servicenowflashduty.Messages.FailureAlerts_failed(run.getFullDisplayName(), e.getMessage()));
        }
    }
}
