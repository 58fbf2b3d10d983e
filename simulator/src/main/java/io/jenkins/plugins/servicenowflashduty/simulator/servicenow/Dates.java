package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

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
        return parse(text).isPresent();
    }

    /** The instant a stored date-time names, or empty for text that is none. */
    static Optional<Instant> parse(String text) {
        try {
            return Optional.of(LocalDateTime.parse(text, FORMAT).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
