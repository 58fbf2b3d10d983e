package io.jenkins.plugins.servicenowflashduty.client.change;

import java.time.Instant;

/**
 * One conflict ServiceNow's conflict detection found for a change.
 *
 * @param type ServiceNow's value: {@code blackout}, {@code not_in_maintenance_window}, {@code ci_already_scheduled}...
 * @param label ServiceNow's label for the type
 * @param schedule the blackout or maintenance schedule's name, empty for other conflicts
 * @param configurationItem the configuration item's name, empty when none
 * @param conflictingChange the other change's number (or sys_id), empty when none
 * @param scheduleEnd when the blackout span that overlaps the change ends; null when unknown
 */
public record Conflict(String type, String label, String schedule, String configurationItem, String conflictingChange,
                       Instant scheduleEnd) {

    public boolean isBlackout() {
        return "blackout".equals(type);
    }

    /** One line for the console: what conflicts, with what, and until when. */
    public String describe() {
        String on = configurationItem.isEmpty() ? "" : " on " + configurationItem;
        if (isBlackout()) {
            return "blackout '" + schedule + "'" + (scheduleEnd == null ? "" : " until " + ChangeWindow.shown(scheduleEnd)) + on;
        }
        if ("not_in_maintenance_window".equals(type)) {
            return "outside the maintenance window" + (schedule.isEmpty() ? "" : " '" + schedule + "'") + on;
        }
        String with = conflictingChange.isEmpty() ? "" : " (" + conflictingChange + ")";
        return (label.isEmpty() ? type : label) + with + on;
    }
}
