package io.jenkins.plugins.servicenowflashduty.client.deployments;

import java.time.Duration;
import java.time.Instant;

/**
 * One deployment a change block governed, as the plugin recorded it: its change, how long approval and the deployment
 * took, how it ended, and the incident it caused with its time to restore. Times are null where a stage never came.
 *
 * @param build the build's number in its job
 * @param result {@link #SUCCESSFUL}, {@link #UNSUCCESSFUL}, {@link #ABORTED} or {@link #CANCELED} (refused or not approved)
 * @param oldestCommit the time of the oldest commit the build brought, for the lead time; null without commits
 */
public record Deployment(int build, String change, String changeUrl, String type, String result, Instant opened, Instant approved,
                         Instant started, Instant ended, Instant oldestCommit, String incident, String incidentUrl,
                         Instant incidentOpened, Instant incidentResolved) {
    public static final String SUCCESSFUL = "successful";
    public static final String UNSUCCESSFUL = "unsuccessful";
    public static final String ABORTED = "aborted";
    public static final String CANCELED = "canceled";

    public Deployment {
        change = change == null ? "" : change;
        changeUrl = changeUrl == null ? "" : changeUrl;
        type = type == null ? "" : type;
        result = result == null ? "" : result;
        incident = incident == null ? "" : incident;
        incidentUrl = incidentUrl == null ? "" : incidentUrl;
    }

    /** Whether the deployment itself ran (the block started); refused and unapproved changes did not. */
    public boolean ran() {
        return started != null;
    }

    /** A failed change, as DORA counts it: it ran, and ended unsuccessful or caused an incident. */
    public boolean failed() {
        return ran() && (UNSUCCESSFUL.equals(result) || !incident.isEmpty());
    }

    /** When it counts: its end, else its start, else its opening. */
    public Instant at() {
        return ended != null ? ended : started != null ? started : opened;
    }

    /** From opening to approval; null when it was not approved (or needed none and was not recorded). */
    public Duration approvalWait() {
        return between(opened, approved);
    }

    /** From the block's start to its end. */
    public Duration duration() {
        return between(started, ended);
    }

    /** From the oldest commit it brought to the end of the deployment. */
    public Duration leadTime() {
        return ran() ? between(oldestCommit, ended) : null;
    }

    /** From the incident it caused to the incident's resolution. */
    public Duration timeToRestore() {
        return between(incidentOpened, incidentResolved);
    }

    Deployment withIncident(String number, String url, Instant openedAt) {
        return new Deployment(build, change, changeUrl, type, result, opened, approved, started, ended, oldestCommit, number, url, openedAt, null);
    }

    Deployment withRestored(Instant at) {
        return new Deployment(build, change, changeUrl, type, result, opened, approved, started, ended, oldestCommit, incident, incidentUrl,
                incidentOpened, at);
    }

    private static Duration between(Instant from, Instant to) {
        return from == null || to == null || to.isBefore(from) ? null : Duration.between(from, to);
    }
}
