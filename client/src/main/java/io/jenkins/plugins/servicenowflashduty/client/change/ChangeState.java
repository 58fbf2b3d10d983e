package io.jenkins.plugins.servicenowflashduty.client.change;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.util.Locale;

/**
 * A change's state: the type-based state model of current releases, the legacy model some instances
 * still run (-5 Pending, 1 Open, 2 Work in Progress, 3 Closed Complete, 4 Closed Incomplete, 7 Closed
 * Skipped), and {@link #UNKNOWN} for anything else a server may send (a custom model, or "" when an ACL
 * hides the field). Values read from ServiceNow go through {@link #fromServer}, which never fails: data
 * the server sent is never the pipeline author's mistake.
 */
public enum ChangeState {
    NEW(-5, "New"), ASSESS(-4, "Assess"), AUTHORIZE(-3, "Authorize"), SCHEDULED(-2, "Scheduled"), IMPLEMENT(-1, "Implement"),
    REVIEW(0, "Review"), CLOSED(3, "Closed"), CANCELED(4, "Canceled"),
    /** Legacy model: approved work not yet started (or the change awaiting approval, see {@code approval}). */
    OPEN(1, "Open"),
    /** Legacy model: being carried out. */
    WORK_IN_PROGRESS(2, "Work in Progress"),
    /** Legacy model: closed without being carried out. */
    CLOSED_SKIPPED(7, "Closed Skipped"),
    /** A value this client does not know; decisions then rest on the {@code approval} field alone. */
    UNKNOWN(Integer.MIN_VALUE, "Unknown");

    private final int value;
    private final String label;

    ChangeState(int value, String label) {
        this.value = value;
        this.label = label;
    }

    /** The database value, as the Table API wants it. */
    public String value() {
        if (this == UNKNOWN) {
            throw new IllegalStateException("an unknown state has no value to write");
        }
        return Integer.toString(value);
    }

    /** A state given by a user: a raw value ({@code -5}, {@code "-5"}, {@code -5.0}) or a label ({@code Implement}). */
    public static ChangeState parse(String text) {
        ChangeState s = fromServer(text);
        if (s == UNKNOWN) {
            throw invalidInput("'" + text
                    + "' is not a change state; use New, Assess, Authorize, Scheduled, Implement, Review, Closed or Canceled.");
        }
        return s;
    }

    /** A state as ServiceNow sent it; {@link #UNKNOWN} when it is none this client knows. */
    public static ChangeState fromServer(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return UNKNOWN;
        }
        try {
            double d = Double.parseDouble(t);
            for (ChangeState s : values()) {
                if (s.value == d) {
                    return s;
                }
            }
            return UNKNOWN;
        } catch (NumberFormatException e) {
            String name = t.toUpperCase(Locale.ROOT).replace(' ', '_');
            if (name.equals("CANCELLED")) {
                return CANCELED;
            }
            for (ChangeState s : values()) {
                if (s != UNKNOWN && (s.name().equals(name) || s.label.equalsIgnoreCase(t))) {
                    return s;
                }
            }
            return switch (name) {
                case "PENDING" -> NEW;
                case "CLOSED_COMPLETE" -> CLOSED;
                case "CLOSED_INCOMPLETE" -> CANCELED;
                default -> UNKNOWN;
            };
        }
    }

    /** Past approval in the state model: the change may be carried out (or already was). */
    public boolean approved() {
        return this == SCHEDULED || this == IMPLEMENT || this == REVIEW || this == CLOSED || this == WORK_IN_PROGRESS;
    }

    /** Over: closed or canceled, in either model. */
    public boolean ended() {
        return this == CLOSED || this == CANCELED || this == CLOSED_SKIPPED;
    }

    /** Whether this state says nothing about approval, so the {@code approval} field alone decides. */
    public boolean silentOnApproval() {
        return this == OPEN || this == UNKNOWN;
    }

    public String label() {
        return label;
    }
}
