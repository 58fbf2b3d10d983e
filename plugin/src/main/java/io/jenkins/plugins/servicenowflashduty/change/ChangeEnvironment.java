package io.jenkins.plugins.servicenowflashduty.change;

import hudson.EnvVars;
import hudson.Extension;
import hudson.model.EnvironmentContributor;
import hudson.model.Run;
import hudson.model.TaskListener;

/**
 * {@code SERVICENOW_CHANGE_NUMBER} and {@code SERVICENOW_CHANGE_URL} for the rest of the build once a change block has
 * ended (in {@code post}, say): the last change the build opened. Inside a block, the block's own values win.
 */
@Extension
public final class ChangeEnvironment extends EnvironmentContributor {
    @Override
    public void buildEnvironmentFor(Run r, EnvVars envs, TaskListener listener) {
        DeployChanges.lastOpened(r).ifPresent(t -> {
            envs.put("SERVICENOW_CHANGE_NUMBER", t.getNumber());
            envs.put("SERVICENOW_CHANGE_URL", t.getUrl());
        });
    }
}
