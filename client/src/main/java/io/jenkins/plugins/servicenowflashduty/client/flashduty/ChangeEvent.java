package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import io.jenkins.plugins.servicenowflashduty.client.job.Keys;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event of a change on Flashduty: events with the same {@code changeKey} merge into one change, whose history an
 * incident's "Change History" shows. Cut to Flashduty's limits when made: a 2,048-character description, 50 labels
 * (the first ones kept: the build's own come first).
 *
 * @param eventTime when it happened (for {@link ChangeStatus#READY}, the planned start, which may be ahead); sent in seconds
 * @param link the build's page, or empty
 */
public record ChangeEvent(String changeKey, ChangeStatus status, String title, Instant eventTime, String description, String link,
                          Map<String, String> labels) {
    static final int MAX_DESCRIPTION = 2048;
    static final int MAX_TITLE = 512;
    static final int MAX_KEY = 255;
    static final int MAX_LABELS = 50;

    public ChangeEvent {
        changeKey = Keys.keepEnd(changeKey == null ? "" : changeKey, MAX_KEY);
        title = cut(title == null || title.isBlank() ? changeKey : title.strip(), MAX_TITLE);
        description = cut(description == null ? "" : description, MAX_DESCRIPTION);
        link = link == null ? "" : link;
        Map<String, String> kept = new LinkedHashMap<>();
        if (labels != null) {
            for (Map.Entry<String, String> e : labels.entrySet()) {
                if (kept.size() == MAX_LABELS) {
                    break;
                }
                if (e.getValue() != null && !e.getValue().isEmpty()) {
                    kept.put(e.getKey(), cut(e.getValue(), MAX_DESCRIPTION));
                }
            }
        }
        labels = Collections.unmodifiableMap(kept);
    }

    /** A copy with another status, time and description: the next event of the same change. */
    public ChangeEvent next(ChangeStatus nextStatus, Instant at, String nextDescription) {
        return new ChangeEvent(changeKey, nextStatus, title, at, nextDescription, link, labels);
    }

    /** The same event with more labels (the admin's, a result), added after those it has while there is room. */
    public ChangeEvent withLabels(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(labels);
        more.forEach(all::putIfAbsent);
        return new ChangeEvent(changeKey, status, title, eventTime, description, link, all);
    }

    private static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }
}
