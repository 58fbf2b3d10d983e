package io.jenkins.plugins.servicenowflashduty.automation;

import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Admin-wide: a Flashduty alert when a build of a selected job fails (Critical; Warning for unstable or aborted
 * builds that count), recovered when the job is green again. Same key as {@code flashdutyNotify()}.
 */
public final class AlertOnFailure extends JobFailureRule implements Describable<AlertOnFailure> {
    private String labels;

    @DataBoundConstructor
    public AlertOnFailure() {
    }

    public String getLabels() {
        return labels;
    }

    /** Extra labels, one {@code name=value} per line. */
    @DataBoundSetter
    public void setLabels(String labels) {
        this.labels = Util.fixEmptyAndTrim(labels);
    }

    Map<String, Object> labelMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (labels != null) {
            for (String line : labels.split("\\R")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        }
        return out;
    }

    @Override
    public Descriptor<AlertOnFailure> getDescriptor() {
        return Jenkins.get().getDescriptorOrDie(AlertOnFailure.class);
    }

    /** Form validation comes from {@link JobFailureRule.RuleDescriptor}. */
    @Extension
    @Symbol("alertOnFailure")
    public static final class DescriptorImpl extends RuleDescriptor<AlertOnFailure> {
    }
}
