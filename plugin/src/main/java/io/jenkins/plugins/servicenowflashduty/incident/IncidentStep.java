package io.jenkins.plugins.servicenowflashduty.incident;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.change.DeployChanges;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.RetryPolicy;
import io.jenkins.plugins.servicenowflashduty.client.incident.CausedBy;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentOutcome;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest;
import io.jenkins.plugins.servicenowflashduty.client.incident.Incidents;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.delivery.StepQueue;
import io.jenkins.plugins.servicenowflashduty.deployments.DeploymentRecords;
import io.jenkins.plugins.servicenowflashduty.run.BuildFacts;
import io.jenkins.plugins.servicenowflashduty.run.StepCall;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code serviceNowIncident()}: raises an incident for a failed build (a work note on the open one when the
 * job fails again) or, with {@code action: 'resolve'}, resolves it when the job recovers.
 */
public final class IncidentStep extends ServiceNowStepBase {
    /** Log lines quoted in a new incident's description, and their size in all. */
    static final int LOG_LINES = 30;
    static final int LOG_CHARS = 3000;

    private String action = "raise";
    private String shortDescription;
    private String description;
    private String urgency;
    private String impact;
    private String category;
    private String subcategory;
    private String assignmentGroup;
    private String caller;
    private String configurationItem;
    private String correlationId;
    private boolean durable;
    private String closeCode;
    private String closeNotes;
    private Map<String, Object> fields;
    private String causedBy;
    private Integer causedByWithinHours;

    @DataBoundConstructor
    public IncidentStep() {
    }

    public String getAction() {
        return action;
    }

    /** {@code raise} (the default) or {@code resolve}. */
    @DataBoundSetter
    public void setAction(String action) {
        this.action = Util.fixEmptyAndTrim(action) == null ? "raise" : action.strip();
    }

    public String getShortDescription() {
        return shortDescription;
    }

    @DataBoundSetter
    public void setShortDescription(String shortDescription) {
        this.shortDescription = shortDescription;
    }

    public String getDescription() {
        return description;
    }

    @DataBoundSetter
    public void setDescription(String description) {
        this.description = description;
    }

    public String getUrgency() {
        return urgency;
    }

    @DataBoundSetter
    public void setUrgency(String urgency) {
        this.urgency = Util.fixEmptyAndTrim(urgency);
    }

    public String getImpact() {
        return impact;
    }

    @DataBoundSetter
    public void setImpact(String impact) {
        this.impact = Util.fixEmptyAndTrim(impact);
    }

    public String getCategory() {
        return category;
    }

    @DataBoundSetter
    public void setCategory(String category) {
        this.category = Util.fixEmptyAndTrim(category);
    }

    public String getSubcategory() {
        return subcategory;
    }

    @DataBoundSetter
    public void setSubcategory(String subcategory) {
        this.subcategory = Util.fixEmptyAndTrim(subcategory);
    }

    public String getAssignmentGroup() {
        return assignmentGroup;
    }

    @DataBoundSetter
    public void setAssignmentGroup(String assignmentGroup) {
        this.assignmentGroup = Util.fixEmptyAndTrim(assignmentGroup);
    }

    public String getCaller() {
        return caller;
    }

    @DataBoundSetter
    public void setCaller(String caller) {
        this.caller = Util.fixEmptyAndTrim(caller);
    }

    public String getConfigurationItem() {
        return configurationItem;
    }

    @DataBoundSetter
    public void setConfigurationItem(String configurationItem) {
        this.configurationItem = Util.fixEmptyAndTrim(configurationItem);
    }

    public String getCorrelationId() {
        return correlationId;
    }

    @DataBoundSetter
    public void setCorrelationId(String correlationId) {
        this.correlationId = Util.fixEmptyAndTrim(correlationId);
    }

    public String getCloseCode() {
        return closeCode;
    }

    @DataBoundSetter
    public void setCloseCode(String closeCode) {
        this.closeCode = Util.fixEmptyAndTrim(closeCode);
    }

    public String getCloseNotes() {
        return closeNotes;
    }

    @DataBoundSetter
    public void setCloseNotes(String closeNotes) {
        this.closeNotes = closeNotes;
    }

    public Map<String, Object> getFields() {
        return fields;
    }

    @DataBoundSetter
    public void setFields(Map<String, Object> fields) {
        this.fields = fields;
    }

    /** Queue the write and return at once; it is delivered in the background, also after a restart. */
    public String getCausedBy() {
        return causedBy;
    }

    /** The change that caused the problem (number or sys_id), instead of the one the plugin would find. */
    @DataBoundSetter
    public void setCausedBy(String causedBy) {
        this.causedBy = Util.fixEmptyAndTrim(causedBy);
    }

    public Integer getCausedByWithinHours() {
        return causedByWithinHours;
    }

    /** How long after the job's last deployment a failure is put down to its change; 0: only this build's own change. */
    @DataBoundSetter
    public void setCausedByWithinHours(Integer causedByWithinHours) {
        this.causedByWithinHours = causedByWithinHours;
    }

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
        String verb = action.toLowerCase(java.util.Locale.ROOT);
        if (!verb.equals("raise") && !verb.equals("resolve")) {
            throw new hudson.AbortException(Messages.IncidentStep_badAction(action));
        }
        ServiceNowInstance instance = configured(getInstance());
        Run<?, ?> run = context.get(Run.class);
        EnvVars env = context.get(EnvVars.class);
        BuildContext build = BuildFacts.of(run, env);
        ServiceNowClient client = client(instance, context, isVerbose()); // the credentials this build may use, checked now
        CausedBy cause = verb.equals("raise") ? cause(run) : null;
        if (durable && cause != null && cause.explicit()) {
            cause = checkedNow(client, cause);
        }
        if (durable) {
            return StepQueue.queue(context, "ServiceNow", verb.equals("resolve")
                    ? QueuedWrites.resolve(instance.getName(), build, correlationId, closeCode, closeNotes)
                    : QueuedWrites.raise(instance.getName(), build, request(instance, build, run, env), cause));
        }
        Incidents incidents = new Incidents(client);
        IncidentOutcome outcome = verb.equals("resolve")
                ? incidents.resolve(build, correlationId, closeCode, closeNotes)
                : incidents.raise(build, request(instance, build, run, env), null, cause);
        new StepLog(context.get(TaskListener.class)).action("ServiceNow", line(outcome));
        recorded(run, outcome, "");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("action", outcome.action().name().toLowerCase(java.util.Locale.ROOT));
        result.put("number", outcome.number());
        result.put("sysId", outcome.sysId());
        result.put("url", outcome.url());
        result.put("causedBy", outcome.causedBy());
        return result;
    }

    /** The change named by {@code causedBy:}, else the one the build (or the job's recent deployment) ran. */
    private CausedBy cause(Run<?, ?> run) throws AbortException {
        if (causedBy != null) {
            return new CausedBy(causedBy, true);
        }
        if (causedByWithinHours != null && causedByWithinHours < 0) {
            throw new AbortException(Messages.IncidentStep_badWindow(causedByWithinHours));
        }
        Duration window = causedByWithinHours == null ? DeployChanges.DEFAULT_WINDOW : Duration.ofHours(causedByWithinHours);
        return DeployChanges.causeOf(run, window).map(n -> new CausedBy(n, false)).orElse(null);
    }

    /**
     * A change named for a queued raise is looked up now, once and without retries: a mistyped one fails the step
     * here rather than the delivery later. When ServiceNow cannot be asked now, the delivery links the change when it
     * can be read then, and raises the incident either way.
     */
    private static CausedBy checkedNow(ServiceNowClient client, CausedBy cause) throws AbortException {
        try {
            new Changes(client.withRetry(RetryPolicy.none())).find(cause.change());
        } catch (ApiException e) {
            if (e.problem() == Problem.NOT_FOUND || e.problem() == Problem.INVALID_INPUT) {
                throw new AbortException(e.getMessage());
            }
        }
        return new CausedBy(cause.change(), false);
    }

    private IncidentRequest request(ServiceNowInstance instance, BuildContext build, Run<?, ?> run, EnvVars env) {
        String text = description != null ? description : defaultDescription(build, run, env);
        return instance.withDefaults(new IncidentRequest(correlationId, shortDescription, text, urgency, impact, category, subcategory,
                assignmentGroup, caller, configurationItem, io.jenkins.plugins.servicenowflashduty.Fields.strings(fields), null));
    }

    /**
     * Records on the build what a raise or resolve did, by a step ({@code ""}) or a queued delivery (its origin): the
     * ticket with its state, the change that caused it on its timeline, and what it means for the job's deployments.
     */
    public static void recorded(Run<?, ?> run, IncidentOutcome outcome, String origin) {
        if (outcome.action() == IncidentOutcome.Action.NONE) {
            return;
        }
        TicketsAction.record(run, TicketEntry.Kind.INCIDENT, outcome.number(), outcome.url(),
                outcome.action().name().toLowerCase(java.util.Locale.ROOT), origin, stateAfter(outcome.action()));
        if (!outcome.causedBy().isEmpty()) {
            TicketsAction.event(run, TicketEntry.Kind.INCIDENT, outcome.number(), Messages.IncidentStep_causedByEvent(outcome.causedBy()));
        }
        DeploymentRecords.incident(run, outcome);
    }

    /**
     * The state an incident is in after what a raise or resolve did, for the build page: the state ServiceNow gives a
     * new incident, its resolved state, or simply open for one that was updated. The same words for a step and a
     * queued delivery.
     */
    private static String stateAfter(IncidentOutcome.Action action) {
        return switch (action) {
            case CREATED -> "New";
            case RESOLVED -> "Resolved";
            default -> "Open";
        };
    }

    private static String line(IncidentOutcome o) {
        return switch (o.action()) {
            case CREATED -> "created incident " + o.number() + (o.causedBy().isEmpty() ? "" : " (caused by change " + o.causedBy() + ")") + " "
                    + o.url();
            case UPDATED -> "updated incident " + o.number() + " (still open; added a work note) " + o.url();
            case RESOLVED -> "resolved incident " + o.number() + " " + o.url();
            default -> o.message();
        };
    }

    /** The build, its link, the stage where known, and the last lines of its log (bounded). */
    public static String defaultDescription(BuildContext build, Run<?, ?> run, EnvVars env) {
        return defaultDescription(build, run, env, true);
    }

    /**
     * The build, its link and stage, and, with {@code quoteLog}, the last lines of its log: off for the admin-wide
     * rule unless an admin turns it on, since incidents can be read by other jobs.
     */
    public static String defaultDescription(BuildContext build, Run<?, ?> run, EnvVars env, boolean quoteLog) {
        StringBuilder d = new StringBuilder("Jenkins build ").append(build.displayName()).append(' ').append(build.outcomeWords()).append('.');
        if (!build.detailLines().isEmpty()) {
            d.append('\n').append(build.detailLines());
        }
        String stage = env == null ? null : env.get("STAGE_NAME");
        if (stage != null && !stage.isBlank()) {
            d.append("\nStage: ").append(stage);
        }
        if (!quoteLog) {
            return d.toString();
        }
        String tail = LogTail.of(run, LOG_LINES, LOG_CHARS);
        if (!tail.isBlank()) {
            d.append("\n\nLast lines of the log:\n").append(tail);
        }
        return d.toString();
    }


    /** Snippet generator, help files, and the action drop-down. */
    @Extension
    @Symbol("serviceNowIncident")
    public static final class DescriptorImpl extends DescriptorBase {
        @Override
        public String getFunctionName() {
            return "serviceNowIncident";
        }

        @Override
        public String getDisplayName() {
            return Messages.IncidentStep_displayName();
        }

        @org.kohsuke.stapler.verb.POST
        public ListBoxModel doFillActionItems(@org.kohsuke.stapler.AncestorInPath hudson.model.Item item) {
            ListBoxModel items = new ListBoxModel();
            if (!mayConfigure(item)) {
                return items;
            }
            items.add(Messages.IncidentStep_raise(), "raise");
            items.add(Messages.IncidentStep_resolve(), "resolve");
            return items;
        }
    }
}
