package io.jenkins.plugins.servicenowflashduty.client.job;

import java.util.Objects;

/**
 * What the operations know about the Jenkins build they act for: enough to describe it in a ticket or
 * an alert and to link back to it. Plain data, filled in by the plugin.
 *
 * @param jobFullName the job's full name, e.g. {@code team/deploy-web/main}
 * @param buildNumber the build number
 * @param buildUrl absolute URL of the build page, or empty
 * @param result {@code SUCCESS}, {@code UNSTABLE}, {@code FAILURE}, {@code ABORTED}, or empty while running
 * @param branch the branch being built, or empty
 * @param commit the commit being built, or empty
 * @param controller what tells this Jenkins controller apart from others sending to the same instance (the
 *     host of its root URL), or empty
 */
public record BuildContext(String jobFullName, int buildNumber, String buildUrl, String result, String branch, String commit,
                           String controller) {

    public BuildContext {
        Objects.requireNonNull(jobFullName, "jobFullName");
        buildUrl = buildUrl == null ? "" : buildUrl;
        result = result == null ? "" : result;
        branch = branch == null ? "" : branch;
        commit = commit == null ? "" : commit;
        controller = controller == null ? "" : controller.strip();
    }

    /** A build of a controller that does not say which it is. */
    public BuildContext(String jobFullName, int buildNumber, String buildUrl, String result, String branch, String commit) {
        this(jobFullName, buildNumber, buildUrl, result, branch, commit, "");
    }

    /**
     * {@code jenkins:{controller}:{job full name}} (or {@code jenkins:{job full name}} when the controller is
     * not known): the default de-duplication key, so every failure of a job belongs to one incident or alert
     * until the job recovers, and two controllers with a job of the same name do not share one.
     */
    public String jobKey() {
        return "jenkins:" + (controller.isEmpty() ? "" : controller + ":") + jobFullName;
    }

    /**
     * What the build's result says of it, after its name: {@code failed}, {@code is unstable}, {@code was aborted};
     * for a build that is running or succeeded (an incident raised from a stage, or on purpose), {@code raised this
     * incident while running} or {@code raised this incident}, never a failure that did not happen.
     */
    public String outcomeWords() {
        return switch (result) {
            case "FAILURE" -> "failed";
            case "UNSTABLE" -> "is unstable";
            case "ABORTED" -> "was aborted";
            case "NOT_BUILT" -> "was not built";
            case "" -> "raised this incident while running";
            default -> "raised this incident";
        };
    }

    /** The end of a ticket's title for this build: {@code failed}, {@code is unstable}..., or {@code reported a problem}. */
    public String problemTitle() {
        return switch (result) {
            case "FAILURE", "UNSTABLE", "ABORTED", "NOT_BUILT" -> outcomeWords();
            default -> "reported a problem";
        };
    }

    /** The build's URL, branch and commit, one {@code Name: value} line each, for those that are known. */
    public String detailLines() {
        StringBuilder d = new StringBuilder();
        line(d, "Build", buildUrl);
        line(d, "Branch", branch);
        line(d, "Commit", commit);
        return d.toString();
    }

    private static void line(StringBuilder d, String name, String value) {
        if (!value.isEmpty()) {
            d.append(d.length() == 0 ? "" : "\n").append(name).append(": ").append(value);
        }
    }

    /** {@code team/deploy-web/main #42}. */
    public String displayName() {
        return jobFullName + " #" + buildNumber;
    }
}
