package io.jenkins.plugins.servicenowflashduty.client.change;

import java.util.Map;

/**
 * What a pipeline author may set on a new change; null means the default.
 *
 * @param template for a standard change: the template's name or sys_id
 * @param risk 1-4 or very high/high/moderate/low
 * @param plannedStart and {@code plannedEnd}: UTC {@code yyyy-MM-dd HH:mm:ss} or ISO-8601 with a zone
 */
public record ChangeRequest(ChangeType type, String template, String shortDescription, String description, String assignmentGroup,
                            String configurationItem, String risk, String impact, String plannedStart, String plannedEnd,
                            String implementationPlan, String backoutPlan, String testPlan, Map<String, String> extraFields) {

    public static ChangeRequest normal(String shortDescription) {
        return new ChangeRequest(ChangeType.NORMAL, null, shortDescription, null, null, null, null, null, null, null, null, null, null, null);
    }
}
