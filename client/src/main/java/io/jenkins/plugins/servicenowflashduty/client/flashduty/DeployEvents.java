package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The change events of one deployment: keyed by its ServiceNow change number, or by job and build where there is no
 * change, labelled with the job, build, branch and commit (then what the admin adds).
 */
public final class DeployEvents {
    private DeployEvents() {
    }

    /** The first event of a deployment; the others follow with {@link ChangeEvent#next}. */
    public static ChangeEvent first(String changeKey, ChangeStatus status, String title, BuildContext build, Map<String, String> adminLabels,
                                    String description) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("job", build.jobFullName());
        labels.put("build", Integer.toString(build.buildNumber()));
        labels.put("branch", build.branch());
        labels.put("commit", build.commit());
        labels.put("source", "jenkins");
        ChangeEvent event = new ChangeEvent(changeKey, status, title == null || title.isBlank() ? "Deploy " + build.displayName() : title,
                Instant.now(), description, build.buildUrl(), labels);
        return adminLabels == null ? event : event.withLabels(adminLabels);
    }

    /** A deployment without a ServiceNow change: one change per build. */
    public static String buildKey(BuildContext build) {
        return "jenkins:" + build.jobFullName() + "#" + build.buildNumber();
    }

    /**
     * The admin's labels, one {@code key=value} a line; blank lines and {@code #} comments are skipped.
     *
     * @throws IllegalArgumentException naming the first line that is not {@code key=value}
     */
    public static Map<String, String> parseLabels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null) {
            return labels;
        }
        for (String line : text.split("\\R")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0 || !l.substring(0, eq).strip().matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new IllegalArgumentException("'" + l + "' is not a label; write key=value, one a line, with a key of letters, digits and _.");
            }
            labels.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        return labels;
    }
}
