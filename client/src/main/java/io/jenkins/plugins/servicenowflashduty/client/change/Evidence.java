package io.jenkins.plugins.servicenowflashduty.client.change;

import io.jenkins.plugins.servicenowflashduty.client.http.Texts;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * What an auditor or a CAB asks of a deployment, as the change's closing work note: the commits it brought, its test
 * results, the artifacts with their fingerprints, how long it took, where it ran, and the build's link. Long lists
 * are cut (the note says how many were left out), so the note stays readable and within ServiceNow's limits.
 *
 * @param tests null when the build recorded no test report
 */
public record Evidence(String build, String buildUrl, String result, Duration deployment, List<String> agents, List<Commit> commits,
                       Tests tests, List<Artifact> artifacts) {
    static final int MAX_LISTED = 30;
    static final int MAX_MESSAGE = 120;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    public Evidence {
        agents = List.copyOf(agents);
        commits = List.copyOf(commits);
        artifacts = List.copyOf(artifacts);
    }

    /** One commit the build brought; {@code time} null when the SCM gives none. */
    public record Commit(String id, String author, String message, Instant time) {
    }

    /** A test report's counts. */
    public record Tests(int total, int failed, int skipped) {
        public int passed() {
            return total - failed - skipped;
        }
    }

    /** An archived file; {@code md5} empty when it was not fingerprinted. */
    public record Artifact(String path, long size, String md5) {
    }

    /** The note's first line, which names the build: the same for every note of one build's deployment. */
    public String heading() {
        return "Deployment evidence from Jenkins build " + build + "\n";
    }

    /** The work note. */
    public String note() {
        StringBuilder s = new StringBuilder(heading());
        s.append("Result: ").append(result).append('\n');
        if (deployment != null) {
            s.append("Deployment took: ").append(Texts.duration(deployment)).append('\n');
        }
        s.append("Agents: ").append(agents.isEmpty() ? "none recorded" : String.join(", ", agents)).append('\n');
        s.append("Tests: ").append(tests == null ? "no test report recorded"
                : tests.passed() + " passed, " + tests.failed() + " failed, " + tests.skipped() + " skipped (" + tests.total() + " in all)").append('\n');
        s.append("Commits: ").append(commits.isEmpty() ? "none (no SCM changes since the previous build)" : commits.size()).append('\n');
        commits.stream().limit(MAX_LISTED).forEach(c -> s.append("  ").append(shortId(c.id())).append(' ').append(c.author())
                .append(c.time() == null ? "" : " " + TIME.format(c.time())).append(": ").append(firstLine(c.message())).append('\n'));
        more(s, commits.size());
        s.append("Artifacts: ").append(artifacts.isEmpty() ? "none archived" : artifacts.size()).append('\n');
        artifacts.stream().limit(MAX_LISTED).forEach(a -> s.append("  ").append(a.path()).append(" (").append(size(a.size())).append(')')
                .append(a.md5().isEmpty() ? "" : " md5 " + a.md5()).append('\n'));
        more(s, artifacts.size());
        if (!buildUrl.isEmpty()) {
            s.append("Build: ").append(buildUrl).append('\n');
        }
        return s.toString().strip();
    }

    private static void more(StringBuilder s, int count) {
        if (count > MAX_LISTED) {
            s.append("  … and ").append(count - MAX_LISTED).append(" more (see the build)\n");
        }
    }

    private static String shortId(String id) {
        return id == null ? "" : id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static String firstLine(String message) {
        String m = message == null ? "" : message.strip();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl).strip();
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE - 1) + "…";
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
