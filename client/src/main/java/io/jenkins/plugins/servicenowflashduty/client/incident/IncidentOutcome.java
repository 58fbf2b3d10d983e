package io.jenkins.plugins.servicenowflashduty.client.incident;

/**
 * What raising or resolving did.
 *
 * @param number and {@code sysId}, {@code url}: empty for {@link Action#NONE}
 * @param message one sentence for the build log
 * @param causedBy the number of the change a new incident was linked to, or empty
 */
public record IncidentOutcome(Action action, String number, String sysId, String url, String message, String causedBy) {

    public IncidentOutcome(Action action, String number, String sysId, String url, String message) {
        this(action, number, sysId, url, message, "");
    }

    /** What happened to the incident. */
    public enum Action {
        /** A new incident was opened. */
        CREATED,
        /** An open incident with the same key got a work note instead of a twin. */
        UPDATED,
        /** The open incident was resolved. */
        RESOLVED,
        /** Nothing was open, so nothing was done. */
        NONE
    }
}
