package io.jenkins.plugins.servicenowflashduty.automation;

import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Job;
import hudson.model.Result;
import hudson.model.Run;
import hudson.util.FormValidation;
import io.jenkins.plugins.servicenowflashduty.config.JobPatterns;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Which jobs an admin-wide rule covers (regular expressions on the job's full name, and a job property to opt out)
 * and which results count as failures. Shared by the ServiceNow and the Flashduty rule, so both read alike.
 */
public abstract class JobFailureRule {
    private String includes = ".*";
    private String excludes;
    private boolean unstable;
    private boolean aborted;

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

    /** Whether this result counts as a failure. */
    boolean counts(Result result) {
        return result == Result.FAILURE || unstable && result == Result.UNSTABLE || aborted && result == Result.ABORTED;
    }

    /** Whether a completed build is the first success after a counted failure: the job recovered. */
    boolean recovered(Run<?, ?> run) {
        Run<?, ?> previous = run.getPreviousCompletedBuild();
        return run.getResult() == Result.SUCCESS && previous != null && counts(previous.getResult());
    }

    /** Whether the job is selected by the patterns and has not opted out. */
    boolean selects(Job<?, ?> job) {
        String name = job.getFullName();
        return JobPatterns.matchesAny(includes, name) && !JobPatterns.matchesAny(excludes, name) && !OptOutProperty.optedOut(job) && !FolderOptOutProperty.optedOut(job);
    }

    /** The rules' form validation: each line of a pattern list must be a regular expression. */
    public abstract static class RuleDescriptor<T extends JobFailureRule & Describable<T>> extends Descriptor<T> {
        @POST
        public FormValidation doCheckIncludes(@QueryParameter String value) {
            return checkPatterns(value);
        }

        @POST
        public FormValidation doCheckExcludes(@QueryParameter String value) {
            return checkPatterns(value);
        }
    }

    private static FormValidation checkPatterns(String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return JobPatterns.validate(value);
    }
}
