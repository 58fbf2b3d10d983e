package io.jenkins.plugins.servicenowflashduty.client.change;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.util.Locale;

/** The change state model of current ServiceNow releases. */
public enum ChangeState {
    NEW(-5), ASSESS(-4), AUTHORIZE(-3), SCHEDULED(-2), IMPLEMENT(-1), REVIEW(0), CLOSED(3), CANCELED(4);

    private final int value;

    ChangeState(int value) {
        this.value = value;
    }

    /** The database value, as the Table API wants it. */
    public String value() {
        return Integer.toString(value);
    }

    /** From a raw value ({@code -5}, {@code "-5"}, {@code -5.0}) or a label ({@code Implement}). */
    public static ChangeState parse(String text) {
        String t = text == null ? "" : text.strip();
        try {
            double d = Double.parseDouble(t);
            for (ChangeState s : values()) {
                if (s.value == d) {
                    return s;
                }
            }
        } catch (NumberFormatException e) {
            for (ChangeState s : values()) {
                if (s.name().equalsIgnoreCase(t.replace(' ', '_')) || t.toUpperCase(Locale.ROOT).equals("CANCELLED") && s == CANCELED) {
                    return s;
                }
            }
        }
        throw invalidInput("'" + text
                + "' is not a change state; use New, Assess, Authorize, Scheduled, Implement, Review, Closed or Canceled.");
    }

    /** Past approval: the change may be carried out (or already was). */
    public boolean approved() {
        return this == SCHEDULED || this == IMPLEMENT || this == REVIEW || this == CLOSED;
    }

    public String label() {
        return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }
}
