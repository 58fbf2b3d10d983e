package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import java.util.ArrayList;
import java.util.List;

/** A change on Flashduty's change history: the events pushed with one {@code change_key}, merged. */
public final class Change {
    private final String integration;
    private final String changeKey;
    private final List<ChangeEvent> events = new ArrayList<>();

    Change(String integration, String changeKey) {
        this.integration = integration;
        this.changeKey = changeKey;
    }

    synchronized void add(ChangeEvent event) {
        events.add(event);
    }

    /** The integration key's last four characters, as Flashduty's console shows it. */
    public String integration() {
        return integration;
    }

    public String changeKey() {
        return changeKey;
    }

    /** The status of the newest event. */
    public synchronized String status() {
        return events.isEmpty() ? "" : events.get(events.size() - 1).status();
    }

    public synchronized String title() {
        return events.isEmpty() ? "" : events.get(events.size() - 1).title();
    }

    public synchronized List<ChangeEvent> events() {
        return List.copyOf(events);
    }
}
