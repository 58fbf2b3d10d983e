package io.jenkins.plugins.servicenowflashduty.client.deployments;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Deployments as CSV (RFC 4180), one row each, durations in seconds. A cell that a spreadsheet would run as a formula
 * (it starts with {@code =}, {@code +}, {@code -}, {@code @}) is prefixed with an apostrophe: change titles and job
 * names come from outside.
 */
public final class DeploymentCsv {
    public static final String HEADER = "job,build,build_url,change,change_url,type,result,opened,approved,started,ended,"
            + "approval_wait_s,duration_s,lead_time_s,incident,incident_url,incident_opened,incident_resolved,time_to_restore_s";

    private DeploymentCsv() {
    }

    public static void write(Appendable out, List<JobDeployment> rows) throws IOException {
        out.append(HEADER).append("\r\n");
        for (JobDeployment r : rows) {
            Deployment d = r.deployment();
            List<String> cells = List.of(r.job(), Integer.toString(d.build()), r.buildUrl(), d.change(), d.changeUrl(), d.type(), d.result(),
                    time(d.opened()), time(d.approved()), time(d.started()), time(d.ended()), seconds(d.approvalWait()), seconds(d.duration()),
                    seconds(d.leadTime()), d.incident(), d.incidentUrl(), time(d.incidentOpened()), time(d.incidentResolved()),
                    seconds(d.timeToRestore()));
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(cell(cells.get(i)));
            }
            out.append("\r\n");
        }
    }

    static String cell(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
            v = '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    private static String time(Instant at) {
        return at == null ? "" : at.toString();
    }

    private static String seconds(Duration d) {
        return d == null ? "" : Long.toString(d.getSeconds());
    }
}
