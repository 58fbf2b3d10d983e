package io.jenkins.plugins.servicenowflashduty.run;

import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestListener;
import java.io.PrintStream;

/**
 * The build console as the steps use it: one line per action with the ticket's link, and, only when a step
 * asks for {@code verbose: true}, one line per request attempt (method, path, status, time; never a query,
 * header or body, so never a secret).
 */
public final class StepLog {
    private final PrintStream out;

    public StepLog(TaskListener listener) {
        this.out = listener.getLogger();
    }

    /** {@code ServiceNow: created incident INC0010001 https://…}. */
    public void action(String service, String text) {
        out.println(service + ": " + text);
    }

    /** The per-request lines of {@code verbose: true}. */
    public RequestListener requests(String service) {
        return event -> out.println(service + " request: " + event);
    }
}
