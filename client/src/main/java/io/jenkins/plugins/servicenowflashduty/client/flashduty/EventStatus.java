package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.util.Locale;

/** Flashduty's {@code event_status}; {@link #OK} recovers the alert with the same key. */
public enum EventStatus {
    CRITICAL("Critical"), WARNING("Warning"), INFO("Info"), OK("Ok");

    private final String wire;

    EventStatus(String wire) {
        this.wire = wire;
    }

    /** The exact, case-sensitive value Flashduty expects. */
    public String wire() {
        return wire;
    }

    /** Reads what a user typed, in any case: {@code critical}, {@code Warning}, {@code OK}... */
    public static EventStatus parse(String text) {
        if (text != null) {
            String t = text.trim().toUpperCase(Locale.ROOT);
            for (EventStatus s : values()) {
                if (s.name().equals(t)) {
                    return s;
                }
            }
        }
        throw invalidInput("'" + text + "' is not a Flashduty event status; use Critical, Warning, Info or Ok.");
    }
}
