package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import io.jenkins.plugins.servicenowflashduty.client.job.Keys;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks on the values pipeline authors give for ticket fields, shared by incidents and changes. */
public final class FieldValues {
    /** The length of {@code short_description} on incidents and changes. */
    public static final int MAX_SHORT_DESCRIPTION = 160;
    private static final Pattern FIELD = Pattern.compile("[a-z][a-z0-9_]{0,79}");

    private FieldValues() {
    }

    /**
     * The author's short description, or the default when none was given (null). An empty one is refused:
     * it is nearly always a variable that came out empty.
     */
    public static String shortDescription(String text, String byDefault) {
        if (text == null) {
            return byDefault;
        }
        String t = text.strip();
        if (t.isEmpty()) {
            throw invalidInput("The short description is empty; leave it out to get \"" + byDefault + "\", or give some text.");
        }
        if (t.length() > MAX_SHORT_DESCRIPTION) {
            throw invalidInput("The short description is " + t.length() + " characters long; ServiceNow keeps "
                    + MAX_SHORT_DESCRIPTION + ", so shorten it and put the rest in the description.");
        }
        return t;
    }

    /**
     * A generated text cut from the front and marked with {@code …}: the end of a job's full name (and the
     * build number after it) is the part that tells builds apart.
     */
    public static String keepEnd(String text, int max) {
        return text.length() <= max ? text : "…" + Keys.keepEnd(text, max - 1);
    }

    /** Impact or urgency: 1/2/3 or high/medium/low. */
    public static String level(String what, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "1", "high" -> "1";
            case "2", "medium" -> "2";
            case "3", "low" -> "3";
            default -> throw invalidInput("'" + value + "' is not a valid " + what + "; use 1 (high), 2 (medium) or 3 (low).");
        };
    }

    /** Extra columns by name; those the step sets itself are refused. */
    public static Map<String, String> extra(Map<String, String> extra, Set<String> setByStep) {
        Map<String, String> out = new LinkedHashMap<>();
        if (extra == null) {
            return out;
        }
        for (Map.Entry<String, String> e : extra.entrySet()) {
            String name = e.getKey() == null ? "" : e.getKey().strip();
            if (!FIELD.matcher(name).matches()) {
                throw invalidInput("'" + e.getKey() + "' is not a ServiceNow field name; use the column name, e.g. u_team.");
            }
            if (setByStep.contains(name)) {
                throw invalidInput("The field " + name + " is set by the step itself and cannot be given as an extra field.");
            }
            out.put(name, e.getValue() == null ? "" : e.getValue());
        }
        return out;
    }

    /** Puts the stripped value unless it is null or blank. */
    public static void putIfPresent(Map<String, String> values, String key, String value) {
        if (value != null && !value.isBlank()) {
            values.put(key, value.strip());
        }
    }

}
