package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import java.time.Instant;
import java.util.Map;

/** One accepted push to the standard alert integration, after Flashduty's truncation rules. */
public record AlertEvent(Instant time, String status, String title, String description, Map<String, String> labels) {

    /** Flashduty drops an event identical to the alert's previous one. */
    boolean sameAs(AlertEvent other) {
        return other != null && status.equals(other.status) && title.equals(other.title)
                && description.equals(other.description) && labels.equals(other.labels);
    }
}
