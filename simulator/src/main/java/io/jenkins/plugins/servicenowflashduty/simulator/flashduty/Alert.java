package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import java.util.ArrayList;
import java.util.List;

/** An alert of one integration, grouped by {@code alert_key}; recovered by an {@code Ok} event. */
public final class Alert {
    private final String integrationKeyHint;
    private final String alertKey;
    private final List<AlertEvent> events = new ArrayList<>();
    private boolean recovered;

    Alert(String integrationKeyHint, String alertKey) {
        this.integrationKeyHint = integrationKeyHint;
        this.alertKey = alertKey;
    }

    /** The last four characters of the integration key: enough to tell integrations apart, not to reuse one. */
    public String integration() {
        return integrationKeyHint;
    }

    public String alertKey() {
        return alertKey;
    }

    public synchronized List<AlertEvent> events() {
        return List.copyOf(events);
    }

    public synchronized boolean recovered() {
        return recovered;
    }

    /** Severity of the latest triggering event, or {@code Ok} once recovered. */
    public synchronized String status() {
        return recovered ? "Ok" : events.isEmpty() ? "" : events.get(events.size() - 1).status();
    }

    public synchronized String title() {
        return events.isEmpty() ? "" : events.get(events.size() - 1).title();
    }

    /** Adds an event unless it repeats the last one exactly; tells whether it was kept. */
    synchronized boolean add(AlertEvent event) {
        if (!events.isEmpty() && event.sameAs(events.get(events.size() - 1))) {
            return false;
        }
        events.add(event);
        if (event.status().equals("Ok")) {
            recovered = true;
        }
        return true;
    }
}
