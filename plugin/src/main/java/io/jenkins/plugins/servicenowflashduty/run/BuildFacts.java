package io.jenkins.plugins.servicenowflashduty.run;

import hudson.EnvVars;
import hudson.model.Result;
import hudson.model.Run;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import java.net.URI;
import jenkins.model.Jenkins;

/** What the client is told about a build: its name, number, link, result, branch, commit and controller. */
public final class BuildFacts {
    private BuildFacts() {
    }

    public static BuildContext of(Run<?, ?> run, EnvVars env) {
        String root = Jenkins.get().getRootUrl();
        String url = root == null ? "" : root + run.getUrl();
        Result result = run.getResult();
        String branch = env == null ? "" : first(env.get("BRANCH_NAME"), env.get("GIT_BRANCH"));
        String commit = env == null ? "" : first(env.get("GIT_COMMIT"), "");
        return new BuildContext(run.getParent().getFullName(), run.getNumber(), url, result == null ? "" : result.toString(),
                branch, commit, controller(root));
    }

    /** The root URL's host (and port when not the default), which tells controllers apart; empty when unset. */
    static String controller(String rootUrl) {
        if (rootUrl == null || rootUrl.isBlank()) {
            return "";
        }
        try {
            URI u = URI.create(rootUrl);
            return u.getHost() == null ? "" : u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b == null ? "" : b;
    }
}
