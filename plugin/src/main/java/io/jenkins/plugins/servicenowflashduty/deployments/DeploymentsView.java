package io.jenkins.plugins.servicenowflashduty.deployments;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.client.deployments.DeploymentFilter;
import io.jenkins.plugins.servicenowflashduty.client.deployments.DoraFigures;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.Texts;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What the deployments page shows for one request: the filter as given (or the sentence that refused it), the
 * deployments it selects (newest first), the weekly figures and the totals.
 */
public final class DeploymentsView {
    /** Rows the page shows; the CSV and {@code /api/json} have them all. */
    public static final int SHOWN = 500;

    private final String error;
    private final String folder;
    private final String job;
    private final DeploymentFilter filter;
    private final String query;
    private final List<DeploymentRow> rows;
    private final List<DoraFigures.Week> weeks;
    private final DoraFigures.Totals totals;
    private final List<String> jobs;

    DeploymentsView(String error, String folder, String job, DeploymentFilter filter, String query, List<DeploymentRow> rows,
                    List<DoraFigures.Week> weeks, DoraFigures.Totals totals, List<String> jobs) {
        this.error = error;
        this.folder = folder;
        this.job = job;
        this.filter = filter;
        this.query = query;
        this.rows = rows;
        this.weeks = weeks;
        this.totals = totals;
        this.jobs = jobs;
    }

    /** The sentence that refused the filter, or null. */
    public String getError() {
        return error;
    }

    public String getFolder() {
        return folder;
    }

    public String getJob() {
        return job;
    }

    public String getFrom() {
        return filter.from() == null ? "" : filter.from().toString();
    }

    public String getTo() {
        return filter.to() == null ? "" : filter.to().toString();
    }

    public String getResult() {
        return filter.result();
    }

    /** The filter as a query string, for the CSV and JSON links. */
    public String getQuery() {
        return query;
    }

    /** The jobs that deployed, in the page's scope, for the job filter. */
    public List<String> getJobs() {
        return jobs;
    }

    public List<DeploymentRow> getRows() {
        return rows;
    }

    public List<DeploymentRow> getShownRows() {
        return rows.size() <= SHOWN ? rows : rows.subList(0, SHOWN);
    }

    public boolean isCut() {
        return rows.size() > SHOWN;
    }

    public List<DoraFigures.Week> getWeeks() {
        return weeks;
    }

    public DoraFigures.Totals getTotals() {
        return totals;
    }

    public String getDeploymentsPerWeek() {
        return String.format(Locale.ROOT, "%.1f", totals.perWeek());
    }

    public String getLeadTime() {
        return text(totals.leadTime());
    }

    public String getChangeFailureRate() {
        return totals.changeFailureRate() == null ? "–" : percent(totals.changeFailureRate()) + " %";
    }

    public String getTimeToRestore() {
        return text(totals.timeToRestore());
    }

    /** The weekly series for the charts, as JSON in a data attribute (no inline script: the page keeps a strict CSP). */
    public String getChartData() {
        ObjectNode data = Json.MAPPER.createObjectNode();
        ArrayNode labels = data.putArray("weeks");
        ArrayNode frequency = data.putArray("frequency");
        ArrayNode leadTime = data.putArray("leadTimeHours");
        ArrayNode failureRate = data.putArray("changeFailureRate");
        ArrayNode restore = data.putArray("timeToRestoreHours");
        for (DoraFigures.Week w : weeks) {
            labels.add(w.start().toString());
            frequency.add(w.deployments());
            if (w.leadTime() == null) {
                leadTime.addNull();
            } else {
                leadTime.add(hours(w.leadTime()));
            }
            if (w.changeFailureRate() == null) {
                failureRate.addNull();
            } else {
                failureRate.add(Double.parseDouble(percent(w.changeFailureRate())));
            }
            if (w.timeToRestore() == null) {
                restore.addNull();
            } else {
                restore.add(hours(w.timeToRestore()));
            }
        }
        return data.toString();
    }

    private static double hours(Duration d) {
        return Math.round(d.getSeconds() / 36.0) / 100.0;
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f", rate * 100);
    }

    private static String text(Duration d) {
        return d == null ? "–" : Texts.duration(d);
    }
}
