package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** ServiceNow's database date-time format: UTC {@code yyyy-MM-dd HH:mm:ss}. */
final class Dates {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Dates() {
    }

    static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /** Whether the text is a date-time ServiceNow would store as given. */
    static boolean valid(String text) {
        try {
            LocalDateTime.parse(text, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
