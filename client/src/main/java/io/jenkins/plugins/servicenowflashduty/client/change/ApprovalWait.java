package io.jenkins.plugins.servicenowflashduty.client.change;

import java.io.Serializable;

/**
 * One pending approval, small and serialisable: the plugin keeps it in the build's program state and
 * hands it back to the watcher after a controller restart.
 *
 * @param deadlineEpochMillis when to give up, in {@code System.currentTimeMillis()} terms
 */
public record ApprovalWait(String changeSysId, String number, long deadlineEpochMillis) implements Serializable {
    private static final long serialVersionUID = 1L;
}
