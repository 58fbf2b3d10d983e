package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import java.util.Map;

/**
 * What a pipeline author may set on an alert; every field may be null for its default.
 *
 * @param status default: Critical for a failed build, Warning for an unstable one, Info otherwise
 * @param title default: "{job} #{n} failed" (or "is unstable", ...)
 * @param description default: a line with the result and the build URL
 * @param alertKey default: {@code jenkins:{job full name}}, so every failure of a job updates one alert
 * @param labels extra labels; they win over the built-in ones of the same name
 * @param incident a ServiceNow incident of the same build, added as labels
 */
public record TriggerOptions(EventStatus status, String title, String description, String alertKey,
                             Map<String, ?> labels, IncidentLink incident) {

    public static TriggerOptions defaults() {
        return new TriggerOptions(null, null, null, null, null, null);
    }
}
