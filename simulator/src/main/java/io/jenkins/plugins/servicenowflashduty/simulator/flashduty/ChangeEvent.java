package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import java.time.Instant;
import java.util.Map;

/**
 * One change event as Flashduty received it.
 *
 * @param received when it arrived
 * @param eventTime the event's own time (seconds since the epoch), or null when it sent none
 */
public record ChangeEvent(Instant received, String status, String title, String description, String link, Long eventTime,
                          Map<String, String> labels) {
    public ChangeEvent {
        labels = Map.copyOf(labels);
    }
}
