package io.jenkins.plugins.servicenowflashduty.deployments;

import io.jenkins.plugins.servicenowflashduty.client.deployments.Deployment;
import io.jenkins.plugins.servicenowflashduty.client.http.Texts;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** One deployment on the deployments page and in its {@code /api/json}: times in ISO-8601, durations in seconds. */
@ExportedBean(defaultVisibility = 2)
public final class DeploymentRow {
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private final String job;
    private final String jobUrl;
    private final Deployment d;

    DeploymentRow(String job, String jobUrl, Deployment d) {
        this.job = job;
        this.jobUrl = jobUrl;
        this.d = d;
    }

    Deployment deployment() {
        return d;
    }

    @Exported
    public String getJob() {
        return job;
    }

    /** The job's address relative to Jenkins's root, e.g. {@code job/shop/job/deploy/}. */
    @Exported
    public String getJobUrl() {
        return jobUrl;
    }

    @Exported
    public int getBuild() {
        return d.build();
    }

    @Exported
    public String getBuildUrl() {
        return jobUrl + d.build() + "/";
    }

    @Exported
    public String getChange() {
        return d.change();
    }

    @Exported
    public String getChangeUrl() {
        return d.changeUrl();
    }

    @Exported
    public String getType() {
        return d.type();
    }

    @Exported
    public String getResult() {
        return d.result();
    }

    @Exported
    public String getOpened() {
        return iso(d.opened());
    }

    @Exported
    public String getStarted() {
        return iso(d.started());
    }

    @Exported
    public String getEnded() {
        return iso(d.ended());
    }

    @Exported
    public Long getApprovalWaitSeconds() {
        return seconds(d.approvalWait());
    }

    @Exported
    public Long getDurationSeconds() {
        return seconds(d.duration());
    }

    @Exported
    public Long getLeadTimeSeconds() {
        return seconds(d.leadTime());
    }

    @Exported
    public String getIncident() {
        return d.incident();
    }

    @Exported
    public String getIncidentUrl() {
        return d.incidentUrl();
    }

    @Exported
    public Long getTimeToRestoreSeconds() {
        return seconds(d.timeToRestore());
    }

    /** The change's link for the page: only a web address (the record holds what the instance answered). */
    public String getChangeLink() {
        return web(d.changeUrl());
    }

    public String getIncidentLink() {
        return web(d.incidentUrl());
    }

    private static String web(String url) {
        String u = url.strip();
        String lower = u.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? u : "";
    }

    /** When it ended (or was refused), as shown on the page. */
    public String getWhen() {
        Instant at = d.at();
        return at == null ? "" : SHOWN.format(at);
    }

    public String getApprovalWait() {
        return text(d.approvalWait());
    }

    public String getDuration() {
        return text(d.duration());
    }

    public String getTimeToRestore() {
        Duration restore = d.timeToRestore();
        return restore != null ? Texts.duration(restore) : d.incident().isEmpty() ? "" : "open";
    }

    /** Whether it counts as a failed change: ended unsuccessful, or caused an incident. */
    public boolean isFailed() {
        return d.failed();
    }

    private static String iso(Instant at) {
        return at == null ? null : at.toString();
    }

    private static Long seconds(Duration duration) {
        return duration == null ? null : duration.getSeconds();
    }

    private static String text(Duration duration) {
        return duration == null ? "" : Texts.duration(duration);
    }
}
