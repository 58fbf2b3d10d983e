package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import io.jenkins.plugins.servicenowflashduty.client.job.Keys;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One event for Flashduty's standard alert integration, already checked and cut to what Flashduty
 * accepts: title ≤512, description ≤2048, key ≤255, ≤50 labels with Prometheus-style keys ≤128 and
 * values ≤2048. Build one with {@link #of}.
 */
public final class AlertEvent {
    static final int MAX_TITLE = 512;
    static final int MAX_DESCRIPTION = 2048;
    static final int MAX_KEY = 255;
    static final int MAX_LABELS = 50;
    static final int MAX_LABEL_KEY = 128;
    static final int MAX_LABEL_VALUE = 2048;

    private final EventStatus status;
    private final String title;
    private final String description;
    private final String alertKey;
    private final Map<String, String> labels;

    private AlertEvent(EventStatus status, String title, String description, String alertKey, Map<String, String> labels) {
        this.status = status;
        this.title = title;
        this.description = description;
        this.alertKey = alertKey;
        this.labels = labels;
    }

    /**
     * Checks and normalises an event.
     *
     * @param alertKey groups events into one alert; required, since it is also what makes a retried push harmless
     * @param labels label values may be text, numbers or booleans; anything else is refused with a sentence
     * @throws ApiException {@link Problem#INVALID_INPUT} with one sentence naming the bad input
     */
    public static AlertEvent of(EventStatus status, String title, String description, String alertKey, Map<String, ?> labels) {
        if (status == null) {
            throw invalidInput("The Flashduty event status is missing; use Critical, Warning, Info or Ok.");
        }
        if (title == null || title.isBlank()) {
            throw invalidInput("The Flashduty alert title is empty; give the alert a title.");
        }
        if (alertKey == null || alertKey.isBlank()) {
            throw invalidInput("The Flashduty alert key is empty; it groups the events of one alert and recovers it.");
        }
        return new AlertEvent(status, Keys.keepStart(title.strip(), MAX_TITLE),
                Keys.keepStart(description == null ? "" : description, MAX_DESCRIPTION), Keys.shorten(alertKey.strip(), MAX_KEY),
                labels(labels));
    }

    private static Map<String, String> labels(Map<String, ?> input) {
        Map<String, String> out = new LinkedHashMap<>();
        if (input == null) {
            return out;
        }
        if (input.size() > MAX_LABELS) {
            throw invalidInput("An alert can have at most " + MAX_LABELS + " labels, but " + input.size() + " were given.");
        }
        for (Map.Entry<String, ?> e : input.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isBlank()) {
                throw invalidInput("A Flashduty label has an empty name.");
            }
            Object v = e.getValue();
            if (!(v instanceof CharSequence || v instanceof Number || v instanceof Boolean)) {
                throw invalidInput("Flashduty label '" + Keys.keepStart(name, 64) + "' must be text, a number or true/false, not "
                        + (v == null ? "null" : v instanceof Map ? "a map" : v instanceof Iterable || v.getClass().isArray() ? "a list" : "a " + v.getClass().getSimpleName()) + ".");
            }
            String key = labelKey(name);
            if (out.containsKey(key)) {
                throw invalidInput("Flashduty labels '" + Keys.keepStart(name, 64) + "' and another one both become '" + key + "'; rename one of them.");
            }
            out.put(key, Keys.keepStart(v.toString(), MAX_LABEL_VALUE));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Label names must look like Prometheus label names: letters, digits and underscores, not starting with a digit. */
    static String labelKey(String name) {
        StringBuilder b = new StringBuilder();
        name.strip().codePoints().forEach(c -> b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? (char) c : '_'));
        if (Character.isDigit(b.charAt(0))) {
            b.insert(0, '_');
        }
        return Keys.keepStart(b.toString(), MAX_LABEL_KEY);
    }

    public EventStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String description() {
        return description;
    }

    public String alertKey() {
        return alertKey;
    }

    public Map<String, String> labels() {
        return labels;
    }

    /** The same alert, recovered. */
    public AlertEvent recovered() {
        return new AlertEvent(EventStatus.OK, title, description, alertKey, labels);
    }

    @Override
    public String toString() {
        return status.wire() + " " + alertKey + ": " + title;
    }
}
