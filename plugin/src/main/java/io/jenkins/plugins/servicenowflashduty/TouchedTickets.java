package io.jenkins.plugins.servicenowflashduty;

import hudson.model.InvisibleAction;
import hudson.model.Run;

/**
 * The ServiceNow incident a build last raised or updated, so a later {@code flashdutyNotify} of the same
 * build can carry its number and link. (The build page's ticket panel is a separate, visible action.)
 */
public final class TouchedTickets extends InvisibleAction {
    private String incidentNumber;
    private String incidentUrl;

    public String getIncidentNumber() {
        return incidentNumber;
    }

    public String getIncidentUrl() {
        return incidentUrl;
    }

    /** Records the incident on the build (saved with it). */
    public static void incident(Run<?, ?> run, String number, String url) {
        if (number == null || number.isEmpty()) {
            return;
        }
        synchronized (run) {
            TouchedTickets t = run.getAction(TouchedTickets.class);
            if (t == null) {
                t = new TouchedTickets();
                run.addAction(t);
            }
            t.incidentNumber = number;
            t.incidentUrl = url;
        }
    }
}
