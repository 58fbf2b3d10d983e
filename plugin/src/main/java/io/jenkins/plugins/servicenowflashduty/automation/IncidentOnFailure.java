package io.jenkins.plugins.servicenowflashduty.automation;

import hudson.Extension;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Job;
import hudson.model.Result;
import hudson.util.FormValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Admin-wide: raise a ServiceNow incident when a build of a selected job fails, resolve it when the job
 * recovers, for jobs nobody edits. Uses the same key as {@code serviceNowIncident()} (the job's key), so a
 * Jenkinsfile that also calls the step ends with one incident, not two.
 */
public final class IncidentOnFailure implements Describable<IncidentOnFailure> {
    private String instance;
    private String includes = ".*";
    private String excludes;
    private boolean unstable;
    private boolean aborted;
    private String urgency;
    private String impact;
    private String assignmentGroup;
    private String category;
    private String caller;
    private String configurationItem;

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

    public String getIncludes() {
        return includes;
    }

    /** Regular expressions on the job's full name, one per line; a job matching any is included. */
    @DataBoundSetter
    public void setIncludes(String includes) {
        this.includes = Util.fixEmptyAndTrim(includes) == null ? ".*" : includes.strip();
    }

    public String getExcludes() {
        return excludes;
    }

    @DataBoundSetter
    public void setExcludes(String excludes) {
        this.excludes = Util.fixEmptyAndTrim(excludes);
    }

    public boolean isUnstable() {
        return unstable;
    }

    /** Unstable builds count as failures too. */
    @DataBoundSetter
    public void setUnstable(boolean unstable) {
        this.unstable = unstable;
    }

    public boolean isAborted() {
        return aborted;
    }

    /** Aborted builds count as failures too. */
    @DataBoundSetter
    public void setAborted(boolean aborted) {
        this.aborted = aborted;
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

    @Override
    public Descriptor<IncidentOnFailure> getDescriptor() {
        return Jenkins.get().getDescriptorOrDie(IncidentOnFailure.class);
    }

    /** Whether this result counts as a failure that raises (or keeps) an incident. */
    boolean counts(Result result) {
        return result == Result.FAILURE || unstable && result == Result.UNSTABLE || aborted && result == Result.ABORTED;
    }

    /** Whether the job is selected by the patterns and has not opted out. */
    boolean selects(Job<?, ?> job) {
        String name = job.getFullName();
        return matchesAny(includes, name) && !matchesAny(excludes, name) && !OptOutProperty.optedOut(job);
    }

    private static boolean matchesAny(String patterns, String name) {
        if (patterns == null) {
            return false;
        }
        for (String p : lines(patterns)) {
            try {
                if (Pattern.compile(p).matcher(name).matches()) {
                    return true;
                }
            } catch (PatternSyntaxException e) {
                // refused on the form; a bad line in stored configuration selects nothing
            }
        }
        return false;
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\\R")) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }

    /** Form validation of the patterns. */
    @Extension
    @Symbol("incidentOnFailure")
    public static final class DescriptorImpl extends Descriptor<IncidentOnFailure> {
        @POST
        public FormValidation doCheckIncludes(@QueryParameter String value) {
            return checkPatterns(value);
        }

        @POST
        public FormValidation doCheckExcludes(@QueryParameter String value) {
            return checkPatterns(value);
        }

        private static FormValidation checkPatterns(String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            for (String p : lines(value == null ? "" : value)) {
                try {
                    Pattern.compile(p);
                } catch (PatternSyntaxException e) {
                    return FormValidation.error(io.jenkins.plugins.servicenowflashduty.Messages.IncidentOnFailure_badPattern(p));
                }
            }
            return FormValidation.ok();
        }
    }
}
