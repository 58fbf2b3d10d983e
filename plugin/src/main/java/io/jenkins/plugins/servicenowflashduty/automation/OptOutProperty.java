package io.jenkins.plugins.servicenowflashduty.automation;

import hudson.Extension;
import hudson.model.Job;
import hudson.model.JobProperty;
import hudson.model.JobPropertyDescriptor;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/** A job that wants no admin-wide incidents: its failures raise nothing unless its own steps do. */
public final class OptOutProperty extends JobProperty<Job<?, ?>> {

    @DataBoundConstructor
    public OptOutProperty() {
    }

    static boolean optedOut(Job<?, ?> job) {
        return job.getProperty(OptOutProperty.class) != null;
    }

    @Extension
    @Symbol("serviceNowOptOut")
    public static final class DescriptorImpl extends JobPropertyDescriptor {
        @Override
        public String getDisplayName() {
            return io.jenkins.plugins.servicenowflashduty.Messages.OptOutProperty_displayName();
        }
    }
}
