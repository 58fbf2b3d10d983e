package io.jenkins.plugins.servicenowflashduty.deployments;

import hudson.Extension;
import hudson.model.ItemGroup;
import hudson.model.RootAction;
import jenkins.model.Jenkins;

/** The deployments page of all Jenkins, linked from the dashboard. */
@Extension
public final class RootDeployments extends DeploymentsAction implements RootAction {
    @Override
    protected ItemGroup<?> scope() {
        return Jenkins.get();
    }

    @Override
    public boolean isFolderFilter() {
        return true;
    }

    @Override
    public String getIconFileName() {
        return Jenkins.get().hasPermission(Jenkins.READ) ? super.getIconFileName() : null;
    }
}
