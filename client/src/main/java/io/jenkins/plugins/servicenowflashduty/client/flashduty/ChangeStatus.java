package io.jenkins.plugins.servicenowflashduty.client.flashduty;

/** Where a change stands on Flashduty's change history. */
public enum ChangeStatus {
    /** Opened, not yet approved. */
    PLANNED("Planned"),
    /** Approved; its {@code event_time} may be the planned start. */
    READY("Ready"),
    /** Being carried out. */
    PROCESSING("Processing"),
    CANCELED("Canceled"),
    /** Carried out, successfully or not (the description and a label say which). */
    DONE("Done");

    private final String wire;

    ChangeStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
