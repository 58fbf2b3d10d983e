package io.jenkins.plugins.servicenowflashduty.client.incident;

/**
 * The change a new incident is linked to ({@code caused_by}, "Caused by Change"), from which ServiceNow computes a
 * change's failure rate and time to restore.
 *
 * @param change the change's number or sys_id
 * @param explicit named by the pipeline ({@code causedBy:}): a change that cannot be found is then the step's error;
 *     one the plugin found itself (the build's change, or the job's last deploy) is linked when it can be, and the
 *     incident raised either way
 */
public record CausedBy(String change, boolean explicit) {
}
