package io.jenkins.plugins.servicenowflashduty.change;

import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWait;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWatcher;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeState;

import io.jenkins.plugins.servicenowflashduty.config.Clients;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.time.Duration;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Registers a step's wait with its instance's watcher: no thread and no executor per waiting build. The
 * console hears once what is awaited and then each change of state, never each poll.
 */
final class ApprovalWaiting {
    static final int DEFAULT_TIMEOUT_MINUTES = 60;
    static final int DEFAULT_POLL_SECONDS = 30;

    private ApprovalWaiting() {
    }

    /** Starts (or, after a restart, resumes) the wait; network-free, so it may run on any thread. */
    static ApprovalWatcher.Watch register(StepContext context, String instanceName, ApprovalWait wait, long intervalMillis)
            throws Exception {
        ServiceNowInstance instance = ServiceNowStepBase.configured(instanceName);
        StepLog log = new StepLog(context.get(TaskListener.class));
        return Clients.get().watch(instance, context.get(Run.class), Duration.ofMillis(intervalMillis), wait, p -> {
            String seen = p.state().label() + (p.approval().isEmpty() ? "" : ", approval " + p.approval());
            log.action("ServiceNow", "change " + p.number() + " is " + seen
                    + (p.state() == ChangeState.UNKNOWN ? " (its state is not one this plugin knows)" : ""));
            ChangeTickets.timeline(context, p.number(), seen);
        }, notice -> log.action("ServiceNow", notice));
    }

    /** Seconds as the step gives them, checked: at least one second. */
    static long intervalMillis(Integer seconds) {
        int s = seconds == null ? DEFAULT_POLL_SECONDS : seconds;
        if (s < 1) {
            throw io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput(
                    "The poll interval must be at least 1 second, not " + s + ".");
        }
        return s * 1000L;
    }

    static long timeoutMillis(Integer minutes) {
        int m = minutes == null ? DEFAULT_TIMEOUT_MINUTES : minutes;
        if (m < 1) {
            throw io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput(
                    "The approval timeout must be at least 1 minute, not " + m + ".");
        }
        return m * 60_000L;
    }
}
