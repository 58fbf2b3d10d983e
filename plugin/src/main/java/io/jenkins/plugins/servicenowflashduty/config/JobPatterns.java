package io.jenkins.plugins.servicenowflashduty.config;

import hudson.util.FormValidation;
import io.jenkins.plugins.servicenowflashduty.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions on a job's full name, one per line ({@code team-a/.*}, {@code .*-deploy}): how the admin-wide
 * rules select jobs and how an instance says which jobs may use it. One syntax everywhere, so an admin learns it once.
 */
public final class JobPatterns {
    private JobPatterns() {
    }

    /** Whether the full name matches any line; null or blank patterns match nothing. */
    public static boolean matchesAny(String patterns, String fullName) {
        if (patterns == null) {
            return false;
        }
        for (String p : lines(patterns)) {
            try {
                if (Pattern.compile(p).matcher(fullName).matches()) {
                    return true;
                }
            } catch (PatternSyntaxException e) {
                // refused on the form and by JCasC; a bad line that got into stored configuration selects nothing
            }
        }
        return false;
    }

    /** The sentence for the first line that is not a regular expression, or null when all are. */
    public static String problem(String patterns) {
        for (String p : lines(patterns == null ? "" : patterns)) {
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                return Messages.IncidentOnFailure_badPattern(p);
            }
        }
        return null;
    }

    /** The form check of a pattern list; the web method checks the permission before calling this. */
    public static FormValidation validate(String patterns) {
        String problem = problem(patterns);
        return problem == null ? FormValidation.ok() : FormValidation.error(problem);
    }

    static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\\R")) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }
}
