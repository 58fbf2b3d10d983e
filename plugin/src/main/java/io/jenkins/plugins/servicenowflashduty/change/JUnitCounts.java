package io.jenkins.plugins.servicenowflashduty.change;

import hudson.model.Run;
import hudson.tasks.test.AbstractTestResultAction;
import io.jenkins.plugins.servicenowflashduty.client.change.Evidence;
import jenkins.model.Jenkins;

/**
 * A build's test counts from the JUnit plugin, which is optional: this class is only loaded once the plugin is known
 * to be there, so a controller without it runs deployments all the same (their evidence says no test report).
 */
final class JUnitCounts {
    private JUnitCounts() {
    }

    /** The counts, or null when the build recorded no test report or the JUnit plugin is not installed. */
    static Evidence.Tests of(Run<?, ?> run) {
        Jenkins jenkins = Jenkins.getInstanceOrNull();
        if (jenkins == null || jenkins.getPlugin("junit") == null) {
            return null;
        }
        return Reader.read(run);
    }

    /** Touches the JUnit plugin's classes; loaded only when it is installed. */
    private static final class Reader {
        static Evidence.Tests read(Run<?, ?> run) {
            AbstractTestResultAction<?> tests = run.getAction(AbstractTestResultAction.class);
            return tests == null ? null : new Evidence.Tests(tests.getTotalCount(), tests.getFailCount(), tests.getSkipCount());
        }
    }
}
