package io.jenkins.plugins.servicenowflashduty.deployments;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import hudson.Extension;
import hudson.model.Action;
import hudson.model.ItemGroup;
import java.util.Collection;
import java.util.List;
import jenkins.model.TransientActionFactory;

/** A folder's deployments page: the deployments of the jobs inside it, at any depth. */
public final class FolderDeployments extends DeploymentsAction {
    private final AbstractFolder<?> folder;

    FolderDeployments(AbstractFolder<?> folder) {
        this.folder = folder;
    }

    @Override
    protected ItemGroup<?> scope() {
        return folder;
    }

    @Override
    public boolean isFolderFilter() {
        return false;
    }

    /** Adds the page to every folder (and organization folder, and multibranch project). */
    @Extension
    public static final class Factory extends TransientActionFactory<AbstractFolder> {
        @Override
        public Class<AbstractFolder> type() {
            return AbstractFolder.class;
        }

        @Override
        public Collection<? extends Action> createFor(AbstractFolder target) {
            return List.of(new FolderDeployments((AbstractFolder<?>) target));
        }
    }
}
