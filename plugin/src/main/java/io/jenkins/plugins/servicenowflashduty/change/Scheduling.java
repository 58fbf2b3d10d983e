package io.jenkins.plugins.servicenowflashduty.change;

import java.io.Serial;
import java.io.Serializable;
import java.util.List;

/**
 * What a change step does about the change's window: the configuration items it adds, whether ServiceNow's
 * conflict detection runs (and refuses on any conflict), whether the deployment waits for the planned start,
 * and whether ServiceNow picks the first free slot. Public because Pipeline saves it with the step (JBoss Marshalling
 * reads a record through its public accessors).
 */
public record Scheduling(List<String> configurationItems, boolean checkConflicts, boolean failOnConflict, boolean waitForWindow,
                  boolean firstAvailable) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    static final Scheduling NONE = new Scheduling(List.of(), false, false, false, false);

    public Scheduling {
        configurationItems = List.copyOf(configurationItems);
    }

    boolean any() {
        return !configurationItems.isEmpty() || checkConflicts || waitForWindow || firstAvailable;
    }
}
