package io.jenkins.plugins.servicenowflashduty.client.change;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A change's planned window ({@code start_date} to {@code end_date}, UTC) as ServiceNow has it; either end may be
 * absent. Kept by a step that waits for it, across a controller restart.
 */
public record ChangeWindow(Instant start, Instant end) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final DateTimeFormatter STORED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SHOWN_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /** No planned window. */
    public static final ChangeWindow NONE = new ChangeWindow(null, null);

    /** The window of a change read with {@code start_date} and {@code end_date}. */
    public static ChangeWindow of(SnRecord change) {
        return new ChangeWindow(stored(change.get("start_date")), stored(change.get("end_date")));
    }

    private static Instant stored(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(text.strip(), STORED).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null; // a value this client cannot read is treated as absent, and the step says there is no window
        }
    }

    /**
     * The planned start and end a pipeline asks for, as ServiceNow stores them: given outright, or as a duration from
     * the start (from now when no start is given).
     *
     * @return {start, end}, either null when not planned
     */
    public static String[] plan(String plannedStart, String plannedEnd, Integer durationMinutes, Instant now) {
        String start = Changes.date("planned start", plannedStart);
        String end = Changes.date("planned end", plannedEnd);
        if (durationMinutes != null) {
            if (end != null) {
                throw invalidInput("Give either a planned end or a planned duration, not both.");
            }
            if (durationMinutes < 1) {
                throw invalidInput("The planned duration must be at least 1 minute, not " + durationMinutes + ".");
            }
            Instant from = start != null ? stored(start) : now;
            start = STORED.format(from.atOffset(ZoneOffset.UTC));
            end = STORED.format(from.plus(Duration.ofMinutes(durationMinutes)).atOffset(ZoneOffset.UTC));
        }
        if (start != null && end != null && start.compareTo(end) >= 0) {
            throw invalidInput("The planned end (" + end + " UTC) is not after the planned start (" + start + " UTC).");
        }
        return new String[] {start, end};
    }

    public boolean hasStart() {
        return start != null;
    }

    /** Whether the window has ended by then. */
    public boolean isOver(Instant now) {
        return end != null && !now.isBefore(end);
    }

    /** How long until it opens: zero once open or when it has no start. */
    public Duration untilStart(Instant now) {
        return start == null || !now.isBefore(start) ? Duration.ZERO : Duration.between(now, start);
    }

    /** {@code 2026-12-04 22:00 UTC – 2026-12-04 23:00 UTC}, or what of it is planned. */
    public String describe() {
        if (start == null && end == null) {
            return "no planned window";
        }
        return (start == null ? "(no start)" : shown(start)) + " – " + (end == null ? "(no end)" : shown(end));
    }

    /** A time as the console and the build page show it: to the minute, or to the second where it has seconds. */
    public static String shown(Instant at) {
        return (at.getEpochSecond() % 60 == 0 ? SHOWN : SHOWN_SECONDS).format(at);
    }
}
