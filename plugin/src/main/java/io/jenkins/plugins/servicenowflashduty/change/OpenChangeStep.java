package io.jenkins.plugins.servicenowflashduty.change;

import hudson.Extension;
import io.jenkins.plugins.servicenowflashduty.Messages;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * {@code serviceNowCreateChange} without a block: opens the change (and, when asked, waits for its approval)
 * and returns {@code [number, sysId, url, type, state, approval]}. Pipelines write {@code serviceNowCreateChange};
 * this is where the plain form lands.
 */
public final class OpenChangeStep extends CreateChangeStep {

    @DataBoundConstructor
    public OpenChangeStep() {
    }

    @Extension
    @Symbol("serviceNowOpenChange")
    public static final class DescriptorImpl extends CreateChangeStep.DescriptorImpl {
        @Override
        public String getFunctionName() {
            return "serviceNowOpenChange";
        }

        @Override
        public String getDisplayName() {
            return Messages.OpenChangeStep_displayName();
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return false;
        }
    }
}
