package io.jenkins.plugins.servicenowflashduty.client.change;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.util.Locale;

/** Normal changes need approval, standard ones are pre-approved from a template, emergency ones are expedited. */
public enum ChangeType {
    NORMAL, STANDARD, EMERGENCY;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ChangeType parse(String text) {
        if (text == null || text.isBlank()) {
            return NORMAL;
        }
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalidInput("'" + text + "' is not a change type; use normal, standard or emergency.");
        }
    }
}
