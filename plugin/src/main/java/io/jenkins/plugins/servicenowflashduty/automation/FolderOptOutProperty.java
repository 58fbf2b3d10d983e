package io.jenkins.plugins.servicenowflashduty.automation;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import com.cloudbees.hudson.plugins.folder.AbstractFolderProperty;
import com.cloudbees.hudson.plugins.folder.AbstractFolderPropertyDescriptor;
import hudson.Extension;
import hudson.model.ItemGroup;
import hudson.model.Job;
import io.jenkins.plugins.servicenowflashduty.Messages;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;

/**
 * A folder (or multibranch project) whose jobs, at any depth, want no admin-wide incidents or alerts: a team
 * that reports its own failures opts out once instead of job by job.
 */
public final class FolderOptOutProperty extends AbstractFolderProperty<AbstractFolder<?>> {

    @DataBoundConstructor
    public FolderOptOutProperty() {
    }

    /** Whether a folder the job is in, however deep, opted out. */
    static boolean optedOut(Job<?, ?> job) {
        for (ItemGroup<?> parent = job.getParent(); parent instanceof AbstractFolder<?> folder;
             parent = folder.getParent()) {
            if (folder.getProperties().get(FolderOptOutProperty.class) != null) {
                return true;
            }
        }
        return false;
    }

    @Extension
    @Symbol("serviceNowFolderOptOut")
    public static final class DescriptorImpl extends AbstractFolderPropertyDescriptor {
        @Override
        public String getDisplayName() {
            return Messages.FolderOptOutProperty_displayName();
        }
    }
}
