package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;
import static io.jenkins.plugins.servicenowflashduty.client.http.Texts.isBlank;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Flashduty operations behind {@code flashdutyNotify} and the admin-wide failure alerts: trigger an
 * alert for a failed or unstable build, recover it when the job is green again, send a test event.
 */
public final class FlashdutyAlerts {
    static final String TEST_ALERT_KEY = "jenkins:test-alert";

    private final FlashdutyClient client;

    public FlashdutyAlerts(FlashdutyClient client) {
        this.client = client;
    }

    /** Opens or updates the job's alert. */
    public PushResult trigger(BuildContext build, TriggerOptions options) {
        return client.push(event(build, options, false));
    }

    /** Recovers the job's alert (Flashduty ignores a recovery for a key with no open alert). */
    public PushResult resolve(BuildContext build, TriggerOptions options) {
        return client.push(event(build, options, true));
    }

    /**
     * The event {@link #trigger} ({@code recover} false) or {@link #resolve} sends, checked as Flashduty would check
     * it: a queued alert is checked when it is queued, not when it reaches the head of its line.
     *
     * @throws ApiException {@link io.jenkins.plugins.servicenowflashduty.client.http.Problem#INVALID_INPUT} with the sentence
     */
    public static AlertEvent event(BuildContext build, TriggerOptions options, boolean recover) {
        EventStatus status = recover ? EventStatus.OK : options.status() != null ? options.status() : statusFor(build.result());
        String title = !isBlank(options.title()) ? options.title()
                : status == EventStatus.OK ? build.displayName() + " recovered" : defaultTitle(build);
        String description = options.description() != null ? options.description() : defaultDescription(build);
        return AlertEvent.of(status, title, description, alertKey(build, options), labels(build, options));
    }

    /**
     * The configuration page's "Send test alert": an Info event, recovered at once, so the admin sees it
     * arrive without leaving an open alert behind.
     */
    public PushResult sendTest(String jenkinsUrl) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("source", "jenkins");
        if (!isBlank(jenkinsUrl)) {
            labels.put("url", jenkinsUrl);
        }
        AlertEvent test = AlertEvent.of(EventStatus.INFO, "Test alert from Jenkins",
                "Sent from the Jenkins configuration page to check the Flashduty integration. It recovers at once.",
                TEST_ALERT_KEY, labels);
        PushResult result = client.push(test);
        client.push(test.recovered());
        return result;
    }

    static EventStatus statusFor(String result) {
        return switch (result) {
            case "FAILURE" -> EventStatus.CRITICAL;
            case "UNSTABLE" -> EventStatus.WARNING;
            default -> EventStatus.INFO;
        };
    }

    static String defaultTitle(BuildContext build) {
        String what = switch (build.result()) {
            case "FAILURE" -> "failed";
            case "UNSTABLE" -> "is unstable";
            case "ABORTED" -> "was aborted";
            case "SUCCESS" -> "succeeded";
            default -> "needs attention";
        };
        return build.displayName() + " " + what;
    }

    private static String defaultDescription(BuildContext build) {
        StringBuilder d = new StringBuilder("Jenkins build ").append(build.displayName());
        if (!build.result().isEmpty()) {
            d.append(" finished with ").append(build.result());
        }
        if (!build.buildUrl().isEmpty()) {
            d.append(": ").append(build.buildUrl());
        }
        return d.toString();
    }

    /** The key an event of this build goes under: the one asked for, else the job's. */
    public static String alertKey(BuildContext build, TriggerOptions options) {
        return isBlank(options.alertKey()) ? build.jobKey() : options.alertKey();
    }

    /** Built-in labels first; a user label with the same (normalised) name replaces the built-in one. */
    private static Map<String, Object> labels(BuildContext build, TriggerOptions options) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("job", build.jobFullName());
        labels.put("build", Integer.toString(build.buildNumber()));
        putIfPresent(labels, "result", build.result());
        putIfPresent(labels, "url", build.buildUrl());
        putIfPresent(labels, "branch", build.branch());
        putIfPresent(labels, "commit", build.commit());
        if (options.incident() != null) {
            putIfPresent(labels, "servicenow_incident", options.incident().number());
            putIfPresent(labels, "servicenow_incident_url", options.incident().url());
        }
        if (options.labels() != null) {
            int room = AlertEvent.MAX_LABELS - labels.size();
            if (options.labels().size() > room) {
                // the limit is Flashduty's, on all labels: say how many are left for the caller's own
                throw invalidInput("An alert can have at most " + AlertEvent.MAX_LABELS + " labels; the plugin adds " + labels.size()
                        + " about the build, so give at most " + room + ", not " + options.labels().size() + ".");
            }
            for (Map.Entry<String, ?> e : options.labels().entrySet()) {
                if (!isBlank(e.getKey())) {
                    labels.remove(AlertEvent.labelKey(e.getKey()));
                }
                labels.put(e.getKey(), e.getValue());
            }
        }
        return labels;
    }

    private static void putIfPresent(Map<String, Object> labels, String key, String value) {
        if (!isBlank(value)) {
            labels.put(key, value);
        }
    }

}
