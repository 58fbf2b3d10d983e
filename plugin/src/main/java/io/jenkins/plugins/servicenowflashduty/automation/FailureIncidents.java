package io.jenkins.plugins.servicenowflashduty.automation;

import hudson.EnvVars;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.model.listeners.RunListener;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.change.DeployChanges;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.client.incident.CausedBy;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.config.ConfigurationException;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.delivery.Deliveries;
import io.jenkins.plugins.servicenowflashduty.incident.IncidentStep;
import io.jenkins.plugins.servicenowflashduty.run.BuildFacts;
import java.io.IOException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out {@link IncidentOnFailure} for every completed build of a selected job (freestyle, Pipeline,
 * multibranch alike): raise on a counted failure, resolve on the first success after one. Nothing is sent on
 * the thread that finishes the build: the write goes to the delivery queue, which sends it in the background
 * and keeps it through outages and restarts. A build whose own steps already raised or resolved the incident
 * (or queued that) is left alone, so a Jenkinsfile that calls {@code serviceNowIncident()} ends with one
 * incident and no second note.
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
        if (!raise && !resolve || stepsAlreadyDid(run, raise ? "created" : "resolved")
                || Deliveries.get().stepQueued(run, QueuedWrites.RAISE, QueuedWrites.RESOLVE)) {
            return;
        }
        try {
            ServiceNowInstance instance = ServiceNowConfiguration.get().instance(rule.getInstance());
            EnvVars env = run.getEnvironment(TaskListener.NULL);
            BuildContext build = BuildFacts.of(run, env);
            Deliveries.get().queueForRule(raise
                    ? QueuedWrites.raise(instance.getName(), build, instance.withDefaults(new IncidentRequest(null, null,
                            IncidentStep.defaultDescription(build, run, env, rule.isLogExcerpt()), rule.getUrgency(), rule.getImpact(), rule.getCategory(), null,
                            rule.getAssignmentGroup(), rule.getCaller(), rule.getConfigurationItem(), Map.of(), null)),
                            DeployChanges.causeOf(run, DeployChanges.DEFAULT_WINDOW).map(n -> new CausedBy(n, false)).orElse(null))
                    : QueuedWrites.resolve(instance.getName(), build, null, null, null), run);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | ConfigurationException | RuntimeException e) {
            // the build is over: the controller log (and the queue's monitor, for a full queue) is where this can be seen
            // the build log (the listener is the completed build's) and the controller log both say what was not sent
            String sentence = Messages.FailureIncidents_notQueued(run.getFullDisplayName(), e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            listener.getLogger().println(sentence);
            LOG.log(Level.WARNING, sentence);
        }
    }

    /** Whether a step of the build already raised (or updated) or resolved the job's incident. */
    private static boolean stepsAlreadyDid(Run<?, ?> run, String what) {
        TicketsAction tickets = run.getAction(TicketsAction.class);
        return tickets != null && tickets.getTickets().stream().anyMatch(t -> t.getKind() == TicketEntry.Kind.INCIDENT
                && (t.getActions().contains(what) || what.equals("created") && t.getActions().contains("updated")));
    }
}
