package io.jenkins.plugins.servicenowflashduty.flashduty;

import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.delivery.StepQueue;
import hudson.EnvVars;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.EventStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyAlerts;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.IncidentLink;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.PushResult;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.TriggerOptions;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.config.Clients;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.run.BuildFacts;
import io.jenkins.plugins.servicenowflashduty.run.StepCall;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code flashdutyNotify}: an alert event for the job. Without {@code status} it follows the build (failure
 * Critical, unstable Warning, success Ok), so {@code post { always { flashdutyNotify() } }} raises and recovers.
 */
public final class FlashdutyNotifyStep extends Step {
    private String status;
    private String title;
    private String description;
    private String alertKey;
    private Map<String, Object> labels;
    private boolean verbose;
    private boolean durable;

    @DataBoundConstructor
    public FlashdutyNotifyStep() {
    }

    public String getStatus() {
        return status;
    }

    @DataBoundSetter
    public void setStatus(String status) {
        this.status = Util.fixEmptyAndTrim(status);
    }

    public String getTitle() {
        return title;
    }

    @DataBoundSetter
    public void setTitle(String title) {
        this.title = title;
    }

    public String getDescription() {
        return description;
    }

    @DataBoundSetter
    public void setDescription(String description) {
        this.description = description;
    }

    public String getAlertKey() {
        return alertKey;
    }

    @DataBoundSetter
    public void setAlertKey(String alertKey) {
        this.alertKey = Util.fixEmptyAndTrim(alertKey);
    }

    public Map<String, Object> getLabels() {
        return labels;
    }

    @DataBoundSetter
    public void setLabels(Map<String, Object> labels) {
        this.labels = labels;
    }

    public boolean isVerbose() {
        return verbose;
    }

    @DataBoundSetter
    public void setVerbose(boolean verbose) {
        this.verbose = verbose;
    }

    /** Queue the write and return at once; it is delivered in the background, also after a restart. */
    public boolean isDurable() {
        return durable;
    }

    @DataBoundSetter
    public void setDurable(boolean durable) {
        this.durable = durable;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new StepCall<>(context, this::run);
    }

    private Map<String, Object> run(StepContext context) throws Exception {
        Run<?, ?> run = context.get(Run.class);
        StepLog log = new StepLog(context.get(TaskListener.class));
        BuildContext build = BuildFacts.of(run, context.get(EnvVars.class));
        EventStatus chosen = status == null ? statusOf(build.result()) : EventStatus.parse(status);
        FlashdutyClient client = Clients.get().flashduty(FlashdutyConfiguration.get(), run);
        if (verbose) {
            client = client.withListener(log.requests("Flashduty"));
        }
        TicketsAction tickets = run.getAction(TicketsAction.class);
        IncidentLink incident = tickets == null ? null
                : tickets.lastIncident().map(t -> new IncidentLink(t.getNumber(), t.getUrl())).orElse(null);
        TriggerOptions options = new TriggerOptions(chosen, title, description, alertKey, labels, incident);
        if (durable) {
            return StepQueue.queue(context, "Flashduty", QueuedWrites.alert(build, options, chosen == EventStatus.OK));
        }
        FlashdutyAlerts alerts = new FlashdutyAlerts(client);
        PushResult pushed = chosen == EventStatus.OK ? alerts.resolve(build, options) : alerts.trigger(build, options);
        log.action("Flashduty", (chosen == EventStatus.OK ? "recovered alert " : "sent " + chosen.wire() + " alert ")
                + pushed.alertKey());
        TicketsAction.record(run, TicketEntry.Kind.ALERT, pushed.alertKey(), "", chosen == EventStatus.OK ? "recovered" : "alerted",
                chosen.wire());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("alertKey", pushed.alertKey());
        result.put("status", chosen.wire());
        return result;
    }

    /** What a build's result means as an alert: failure Critical, unstable or aborted Warning, success (or none yet) Ok. */
    static EventStatus statusOf(String result) {
        return switch (result) {
            case "FAILURE" -> EventStatus.CRITICAL;
            case "UNSTABLE", "ABORTED" -> EventStatus.WARNING;
            default -> EventStatus.OK;
        };
    }

    @Extension
    @Symbol("flashdutyNotify")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "flashdutyNotify";
        }

        @Override
        public String getDisplayName() {
            return Messages.FlashdutyNotifyStep_displayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, EnvVars.class);
        }

        @org.kohsuke.stapler.verb.POST
        public ListBoxModel doFillStatusItems(@org.kohsuke.stapler.AncestorInPath hudson.model.Item item) {
            ListBoxModel items = new ListBoxModel();
            if (!io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase.mayConfigure(item)) {
                return items;
            }
            items.add(Messages.FlashdutyNotifyStep_followBuild(), "");
            for (String s : new String[] {"Critical", "Warning", "Info", "Ok"}) {
                items.add(s);
            }
            return items;
        }
    }
}
