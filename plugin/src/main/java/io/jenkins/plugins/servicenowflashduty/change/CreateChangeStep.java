package io.jenkins.plugins.servicenowflashduty.change;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.servicenowflashduty.Fields;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRequest;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeType;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeWindow;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.run.BuildFacts;
import io.jenkins.plugins.servicenowflashduty.run.StepFailures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.verb.POST;

/**
 * {@code serviceNowCreateChange}: opens a change request for a deployment. With a block, it waits for
 * approval (when asked), moves the change to Implement, runs the deployment, and closes the change with
 * the real result and a link to the build. Pipeline insists that a step taking a block always gets one, so
 * the plain form runs as {@link OpenChangeStep} ({@code serviceNowOpenChange}), and the global variable
 * {@link CreateChangeVariable} sends each call of {@code serviceNowCreateChange} to the right one.
 */
public class CreateChangeStep extends ServiceNowStepBase {
    private String shortDescription;
    private String type = "normal";
    private String template;
    private String description;
    private String assignmentGroup;
    private String configurationItem;
    private String risk;
    private String impact;
    private String plannedStart;
    private String plannedEnd;
    private Integer plannedDurationMinutes;
    private List<String> configurationItems;
    private boolean checkConflicts;
    private boolean failOnConflict;
    private boolean waitForWindow;
    private boolean scheduleFirstAvailable;
    private boolean durableChangeEvents;
    private String implementationPlan;
    private String backoutPlan;
    private String testPlan;
    private Map<String, Object> fields;
    private boolean waitForApproval;
    private Integer approvalTimeoutMinutes;
    private Integer pollIntervalSeconds;

    @DataBoundConstructor
    public CreateChangeStep() {
    }

    // ---------------------------------------------------------------- parameters

    public String getShortDescription() {
        return shortDescription;
    }

    @DataBoundSetter
    public void setShortDescription(String shortDescription) {
        this.shortDescription = shortDescription;
    }

    public String getType() {
        return type;
    }

    @DataBoundSetter
    public void setType(String type) {
        this.type = Util.fixEmptyAndTrim(type) == null ? "normal" : type.strip();
    }

    public String getTemplate() {
        return template;
    }

    @DataBoundSetter
    public void setTemplate(String template) {
        this.template = Util.fixEmptyAndTrim(template);
    }

    public String getDescription() {
        return description;
    }

    @DataBoundSetter
    public void setDescription(String description) {
        this.description = description;
    }

    public String getAssignmentGroup() {
        return assignmentGroup;
    }

    @DataBoundSetter
    public void setAssignmentGroup(String assignmentGroup) {
        this.assignmentGroup = Util.fixEmptyAndTrim(assignmentGroup);
    }

    public String getConfigurationItem() {
        return configurationItem;
    }

    @DataBoundSetter
    public void setConfigurationItem(String configurationItem) {
        this.configurationItem = Util.fixEmptyAndTrim(configurationItem);
    }

    public String getRisk() {
        return risk;
    }

    @DataBoundSetter
    public void setRisk(String risk) {
        this.risk = Util.fixEmptyAndTrim(risk);
    }

    public String getImpact() {
        return impact;
    }

    @DataBoundSetter
    public void setImpact(String impact) {
        this.impact = Util.fixEmptyAndTrim(impact);
    }

    public String getPlannedStart() {
        return plannedStart;
    }

    @DataBoundSetter
    public void setPlannedStart(String plannedStart) {
        this.plannedStart = Util.fixEmptyAndTrim(plannedStart);
    }

    public String getPlannedEnd() {
        return plannedEnd;
    }

    @DataBoundSetter
    public void setPlannedEnd(String plannedEnd) {
        this.plannedEnd = Util.fixEmptyAndTrim(plannedEnd);
    }

    public Integer getPlannedDurationMinutes() {
        return plannedDurationMinutes;
    }

    /** The window as a duration: from the planned start, or from when the step runs. */
    @DataBoundSetter
    public void setPlannedDurationMinutes(Integer plannedDurationMinutes) {
        this.plannedDurationMinutes = plannedDurationMinutes;
    }

    public List<String> getConfigurationItems() {
        return configurationItems;
    }

    /** Further configuration items the change affects (names or sys_ids), beside {@code configurationItem}. */
    @DataBoundSetter
    public void setConfigurationItems(List<String> configurationItems) {
        this.configurationItems = configurationItems == null || configurationItems.isEmpty() ? null : List.copyOf(configurationItems);
    }

    public boolean isCheckConflicts() {
        return checkConflicts;
    }

    @DataBoundSetter
    public void setCheckConflicts(boolean checkConflicts) {
        this.checkConflicts = checkConflicts;
    }

    public boolean isFailOnConflict() {
        return failOnConflict;
    }

    @DataBoundSetter
    public void setFailOnConflict(boolean failOnConflict) {
        this.failOnConflict = failOnConflict;
    }

    public boolean isWaitForWindow() {
        return waitForWindow;
    }

    @DataBoundSetter
    public void setWaitForWindow(boolean waitForWindow) {
        this.waitForWindow = waitForWindow;
    }

    public boolean isScheduleFirstAvailable() {
        return scheduleFirstAvailable;
    }

    @DataBoundSetter
    public void setScheduleFirstAvailable(boolean scheduleFirstAvailable) {
        this.scheduleFirstAvailable = scheduleFirstAvailable;
    }

    public boolean isDurableChangeEvents() {
        return durableChangeEvents;
    }

    /** The deployment's Flashduty change events go through the delivery queue, and survive a restart or an outage. */
    @DataBoundSetter
    public void setDurableChangeEvents(boolean durableChangeEvents) {
        this.durableChangeEvents = durableChangeEvents;
    }

    public String getImplementationPlan() {
        return implementationPlan;
    }

    @DataBoundSetter
    public void setImplementationPlan(String implementationPlan) {
        this.implementationPlan = implementationPlan;
    }

    public String getBackoutPlan() {
        return backoutPlan;
    }

    @DataBoundSetter
    public void setBackoutPlan(String backoutPlan) {
        this.backoutPlan = backoutPlan;
    }

    public String getTestPlan() {
        return testPlan;
    }

    @DataBoundSetter
    public void setTestPlan(String testPlan) {
        this.testPlan = testPlan;
    }

    public Map<String, Object> getFields() {
        return fields;
    }

    @DataBoundSetter
    public void setFields(Map<String, Object> fields) {
        this.fields = fields;
    }

    public boolean isWaitForApproval() {
        return waitForApproval;
    }

    @DataBoundSetter
    public void setWaitForApproval(boolean waitForApproval) {
        this.waitForApproval = waitForApproval;
    }

    public Integer getApprovalTimeoutMinutes() {
        return approvalTimeoutMinutes;
    }

    @DataBoundSetter
    public void setApprovalTimeoutMinutes(Integer approvalTimeoutMinutes) {
        this.approvalTimeoutMinutes = approvalTimeoutMinutes;
    }

    public Integer getPollIntervalSeconds() {
        return pollIntervalSeconds;
    }

    @DataBoundSetter
    public void setPollIntervalSeconds(Integer pollIntervalSeconds) {
        this.pollIntervalSeconds = pollIntervalSeconds;
    }

    // ---------------------------------------------------------------- execution

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return StepFailures.sentences(() -> {
            ChangeType changeType = ChangeType.parse(type);
            ServiceNowInstance instance = configured(getInstance());
            BuildContext build = BuildFacts.of(context.get(Run.class), context.get(EnvVars.class));
            String[] window = ChangeWindow.plan(plannedStart, plannedEnd, plannedDurationMinutes, Instant.now());
            if (failOnConflict && !checkConflicts) {
                throw new AbortException(Messages.CreateChangeStep_failOnConflictAlone());
            }
            if ((checkConflicts || waitForWindow) && !scheduleFirstAvailable && (window[0] == null || checkConflicts && window[1] == null)) {
                throw new AbortException(Messages.CreateChangeStep_noWindow(checkConflicts ? "checkConflicts" : "waitForWindow"));
            }
            ChangeRequest request = new ChangeRequest(changeType, template, shortDescription, description,
                    assignmentGroup != null ? assignmentGroup : instance.getAssignmentGroup(),
                    configurationItem != null ? configurationItem : instance.getConfigurationItem(), risk, impact, window[0], window[1],
                    implementationPlan, backoutPlan, testPlan, Fields.strings(fields));
            Scheduling scheduling = new Scheduling(configurationItems == null ? List.of() : configurationItems, checkConflicts, failOnConflict,
                    waitForWindow || scheduleFirstAvailable, scheduleFirstAvailable);
            return new CreateChangeExecution(context, instance.getName(), request, Changes.newCorrelationId(build),
                    waitForApproval, ApprovalWaiting.timeoutMillis(approvalTimeoutMinutes),
                    ApprovalWaiting.intervalMillis(pollIntervalSeconds), isVerbose(), scheduling, durableChangeEvents);
        });
    }

    @Extension
    @Symbol("serviceNowCreateChange")
    public static class DescriptorImpl extends DescriptorBase {
        @Override
        public String getFunctionName() {
            return "serviceNowCreateChange";
        }

        @Override
        public String getDisplayName() {
            return Messages.CreateChangeStep_displayName();
        }

        /** With a block: the deployment the change covers. */
        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @POST
        public ListBoxModel doFillTypeItems(@AncestorInPath hudson.model.Item item) {
            ListBoxModel items = new ListBoxModel();
            if (!mayConfigure(item)) {
                return items;
            }
            items.add("normal");
            items.add("standard");
            items.add("emergency");
            return items;
        }
    }
}
