package io.jenkins.plugins.servicenowflashduty.automation;

import hudson.EnvVars;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentOutcome;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest;
import io.jenkins.plugins.servicenowflashduty.client.incident.Incidents;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.config.Clients;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.incident.IncidentStep;
import io.jenkins.plugins.servicenowflashduty.run.BuildFacts;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out {@link IncidentOnFailure} for every completed build of a selected job (freestyle, Pipeline,
 * multibranch alike): raise on a counted failure, resolve on the first success after one. Nothing is sent on
 * the thread that finishes the build; the work goes to the plugin's pool. A build whose own steps already
 * raised or resolved the incident is left alone, so a Jenkinsfile that calls {@code serviceNowIncident()}
 * ends with one incident and no second note.
 */
@Extension
public final class FailureIncidents extends RunListener<Run<?, ?>> {
    private static final Logger LOG = Logger.getLogger(FailureIncidents.class.getName());

    @Override
    public void onCompleted(Run<?, ?> run, TaskListener listener) {
        IncidentOnFailure rule = ServiceNowConfiguration.get().getIncidentOnFailure();
        if (rule == null || !rule.selects(run.getParent())) {
            return;
        }
        boolean raise = rule.counts(run.getResult());
        boolean resolve = rule.recovered(run);
        if (!raise && !resolve || stepsAlreadyDid(run, raise ? "created" : "resolved")) {
            return;
        }
        Clients.get().background().submit(() -> deliver(run, rule, raise));
    }

    /** Whether a step of the build already raised (or updated) or resolved the job's incident. */
    private static boolean stepsAlreadyDid(Run<?, ?> run, String what) {
        TicketsAction tickets = run.getAction(TicketsAction.class);
        return tickets != null && tickets.getTickets().stream().anyMatch(t -> t.getKind() == TicketEntry.Kind.INCIDENT
                && (t.getActions().contains(what) || what.equals("created") && t.getActions().contains("updated")));
    }

    private static void deliver(Run<?, ?> run, IncidentOnFailure rule, boolean raise) {
        try {
            ServiceNowInstance instance = ServiceNowConfiguration.get().instance(rule.getInstance());
            Incidents incidents = new Incidents(Clients.get().serviceNow(instance, run));
            EnvVars env = run.getEnvironment(TaskListener.NULL);
            BuildContext build = BuildFacts.of(run, env);
            IncidentOutcome outcome = raise
                    ? incidents.raise(build, instance.withDefaults(new IncidentRequest(null, null, IncidentStep.defaultDescription(build, run, env),
                            rule.getUrgency(), rule.getImpact(), rule.getCategory(), null, rule.getAssignmentGroup(), rule.getCaller(),
                            rule.getConfigurationItem(), Map.of(), null)))
                    : incidents.resolve(build, null, null, null);
            if (outcome.action() != IncidentOutcome.Action.NONE) {
                TicketsAction.record(run, TicketEntry.Kind.INCIDENT, outcome.number(), outcome.url(),
                        outcome.action().name().toLowerCase(Locale.ROOT) + " (admin-wide)", outcome.action() == IncidentOutcome.Action.RESOLVED
                                ? "Resolved" : "Open");
            }
            LOG.log(Level.FINE, "{0}: {1}", new Object[] {run, outcome.message()});
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the build is over: the controller log is where this can be seen (a delivery queue is still to come)
            LOG.log(Level.WARNING, io.jenkins.plugins.servicenowflashduty.Messages.FailureIncidents_failed(run.getFullDisplayName(),
                    e.getMessage()));
        }
    }
}
