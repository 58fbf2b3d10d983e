package io.jenkins.plugins.servicenowflashduty.deployments;

import io.jenkins.plugins.servicenowflashduty.client.deployments.DoraFigures;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** One week's DORA figures in {@code /api/json}: durations in seconds, null where the week had nothing to measure. */
@ExportedBean(defaultVisibility = 2)
public final class WeekFigures {
    private final DoraFigures.Week week;

    WeekFigures(DoraFigures.Week week) {
        this.week = week;
    }

    /** The week's Monday (UTC). */
    @Exported
    public String getWeek() {
        return week.start().toString();
    }

    @Exported
    public int getDeployments() {
        return week.deployments();
    }

    @Exported
    public int getFailed() {
        return week.failed();
    }

    @Exported
    public Double getChangeFailureRate() {
        return week.changeFailureRate();
    }

    @Exported
    public Long getLeadTimeSeconds() {
        return week.leadTime() == null ? null : week.leadTime().getSeconds();
    }

    @Exported
    public Long getTimeToRestoreSeconds() {
        return week.timeToRestore() == null ? null : week.timeToRestore().getSeconds();
    }
}
