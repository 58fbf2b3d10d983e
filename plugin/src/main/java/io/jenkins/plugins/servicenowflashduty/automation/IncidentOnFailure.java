package io.jenkins.plugins.servicenowflashduty.automation;

import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Admin-wide: raise a ServiceNow incident when a build of a selected job fails, resolve it when the job
 * recovers, for jobs nobody edits. Uses the same key as {@code serviceNowIncident()} (the job's key), so a
 * Jenkinsfile that also calls the step ends with one incident, not two.
 */
public final class IncidentOnFailure extends JobFailureRule implements Describable<IncidentOnFailure> {
    private String instance;
    private String urgency;
    private String impact;
    private String assignmentGroup;
    private String category;
    private String caller;
    private String configurationItem;
    private boolean logExcerpt;

    @DataBoundConstructor
    public IncidentOnFailure() {
    }

    public String getInstance() {
        return instance;
    }

    /** A configured instance's name; the default instance when empty. */
    @DataBoundSetter
    public void setInstance(String instance) {
        this.instance = Util.fixEmptyAndTrim(instance);
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

    public String getAssignmentGroup() {
        return assignmentGroup;
    }

    @DataBoundSetter
    public void setAssignmentGroup(String assignmentGroup) {
        this.assignmentGroup = Util.fixEmptyAndTrim(assignmentGroup);
    }

    public String getCategory() {
        return category;
    }

    @DataBoundSetter
    public void setCategory(String category) {
        this.category = Util.fixEmptyAndTrim(category);
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

    public boolean isLogExcerpt() {
        return logExcerpt;
    }

    /** Quote the failed build's last log lines in the incident; off by default, since other jobs may read incidents. */
    @DataBoundSetter
    public void setLogExcerpt(boolean logExcerpt) {
        this.logExcerpt = logExcerpt;
    }

    @Override
    public Descriptor<IncidentOnFailure> getDescriptor() {
        return Jenkins.get().getDescriptorOrDie(IncidentOnFailure.class);
    }

    /** Form validation comes from {@link JobFailureRule.RuleDescriptor}. */
    @Extension
    @Symbol("incidentOnFailure")
    public static final class DescriptorImpl extends RuleDescriptor<IncidentOnFailure> {
    }
}
