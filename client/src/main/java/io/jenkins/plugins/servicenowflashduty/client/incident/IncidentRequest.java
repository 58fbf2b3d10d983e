package io.jenkins.plugins.servicenowflashduty.client.incident;

import java.util.Map;

/**
 * What a pipeline author may set when raising an incident; null means the default.
 *
 * @param correlationKey identifies "the same problem", used exactly as given; default {@link io.jenkins.plugins.servicenowflashduty.client.job.BuildContext#jobKey()}
 * @param shortDescription default "{job} #{n} failed"
 * @param urgency and {@code impact}: 1/2/3 or high/medium/low; default 2 (Medium) / 2
 * @param assignmentGroup a group's name or sys_id
 * @param caller a user's user_name, name or sys_id
 * @param configurationItem a CI's name or sys_id
 * @param extraFields further columns, by name
 * @param workNote the note added when the incident already exists; default names the build and its URL
 */
public record IncidentRequest(String correlationKey, String shortDescription, String description, String urgency, String impact,
                              String category, String subcategory, String assignmentGroup, String caller,
                              String configurationItem, Map<String, String> extraFields, String workNote) {

    public static IncidentRequest defaults() {
        return new IncidentRequest(null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
