package io.jenkins.plugins.servicenowflashduty.incident;

import hudson.console.AnnotatedLargeText;
import hudson.model.Run;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The last lines of a build's log, read from its end only: a failed build's log can be gigabytes, and an incident
 * quotes a few lines of it.
 */
final class LogTail {
    /** Enough bytes for the lines quoted, with room for long ones. */
    private static final long READ_BYTES = 64 * 1024;

    private LogTail() {
    }

    /** At most {@code lines} lines and {@code chars} characters from the end of the log, console notes removed; empty when unreadable. */
    static String of(Run<?, ?> run, int lines, int chars) {
        try {
            AnnotatedLargeText<?> text = run.getLogText();
            long length = text.length();
            long start = Math.max(0, length - READ_BYTES);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (text.writeLogTo(start, out) <= start) {
                return ""; // an empty log
            }
            String read = out.toString(StandardCharsets.UTF_8);
            List<String> all = Arrays.asList(read.split("\\R"));
            if (start > 0 && !all.isEmpty()) {
                all = all.subList(1, all.size()); // the first line read may have begun before the part read
            }
            String tail = String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            return tail.length() > chars ? "…" + tail.substring(tail.length() - chars) : tail;
        } catch (IOException | RuntimeException e) {
            return ""; // the incident is worth more than its log excerpt
        }
    }
}
