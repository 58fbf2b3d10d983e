package io.jenkins.plugins.servicenowflashduty.change;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalOutcome;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWait;
import io.jenkins.plugins.servicenowflashduty.client.change.ApprovalWatcher;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRef;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeState;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.config.Clients;
import io.jenkins.plugins.servicenowflashduty.run.PluginThreads;
import io.jenkins.plugins.servicenowflashduty.run.StepFailures;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.io.Serial;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code serviceNowWaitForApproval}: asks for approval of a new change and waits for the answer, without an
 * executor or a thread, across controller restarts. Returns {@code [number, approval, state]}.
 */
public final class WaitForApprovalStep extends ServiceNowStepBase {
    private final String change;
    private Integer approvalTimeoutMinutes;
    /** The old name, still accepted: {@code timeoutMinutes}. */
    private Integer timeoutMinutes;
    private Integer pollIntervalSeconds;
    private boolean failOnReject = true;

    @DataBoundConstructor
    public WaitForApprovalStep(String change) {
        this.change = change;
    }

    public String getChange() {
        return change;
    }

    public Integer getApprovalTimeoutMinutes() {
        return approvalTimeoutMinutes;
    }

    /** Minutes to wait for the answer; the same name as {@code serviceNowCreateChange}'s. */
    @DataBoundSetter
    public void setApprovalTimeoutMinutes(Integer approvalTimeoutMinutes) {
        this.approvalTimeoutMinutes = approvalTimeoutMinutes;
    }

    /** The old name of {@link #getApprovalTimeoutMinutes()}: not offered by the snippet generator any more. */
    @Deprecated
    public Integer getTimeoutMinutes() {
        return null;
    }

    /** The old name of {@link #setApprovalTimeoutMinutes}, still read so that existing Jenkinsfiles keep working. */
    @Deprecated
    @DataBoundSetter
    public void setTimeoutMinutes(Integer timeoutMinutes) {
        this.timeoutMinutes = timeoutMinutes;
    }

    /** The timeout given under either name; both with different values is a mistake said in one sentence. */
    private Integer timeout() throws AbortException {
        if (timeoutMinutes != null && approvalTimeoutMinutes != null && !timeoutMinutes.equals(approvalTimeoutMinutes)) {
            throw new AbortException(Messages.WaitForApprovalStep_twoTimeouts(approvalTimeoutMinutes, timeoutMinutes));
        }
        return approvalTimeoutMinutes != null ? approvalTimeoutMinutes : timeoutMinutes;
    }

    public Integer getPollIntervalSeconds() {
        return pollIntervalSeconds;
    }

    @DataBoundSetter
    public void setPollIntervalSeconds(Integer pollIntervalSeconds) {
        this.pollIntervalSeconds = pollIntervalSeconds;
    }

    public boolean isFailOnReject() {
        return failOnReject;
    }

    @DataBoundSetter
    public void setFailOnReject(boolean failOnReject) {
        this.failOnReject = failOnReject;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return io.jenkins.plugins.servicenowflashduty.run.StepFailures.sentences(() -> new Execution(context, getInstance(), change,
                ApprovalWaiting.timeoutMillis(timeout()), ApprovalWaiting.intervalMillis(pollIntervalSeconds), failOnReject, isVerbose()));
    }

    /**
     * Keeps only what it waits for ({@link ApprovalWait}), so a restart resumes the wait; the network calls
     * (finding the change, asking for approval) run on the plugin's small pool, never on the Pipeline thread.
     */
    static final class Execution extends StepExecution {
        @Serial
        private static final long serialVersionUID = 1L;
        private final String instance;
        private final String change;
        private final long timeoutMillis;
        private final long intervalMillis;
        private final boolean failOnReject;
        private final boolean verbose;
        private volatile ApprovalWait wait;
        /** Aborted: nothing more is sent, and the change (which this step did not open) is left as it is. */
        private volatile boolean stopped;
        private transient volatile ApprovalWatcher.Watch watch;

        Execution(StepContext context, String instance, String change, long timeoutMillis, long intervalMillis, boolean failOnReject,
                  boolean verbose) {
            super(context);
            this.instance = instance;
            this.change = change;
            this.timeoutMillis = timeoutMillis;
            this.intervalMillis = intervalMillis;
            this.failOnReject = failOnReject;
            this.verbose = verbose;
        }

        @Override
        public boolean start() {
            PluginThreads.background().submit(this::begin);
            return false;
        }

        private void begin() {
            try {
                if (stopped) {
                    return;
                }
                Changes changes = new Changes(client(configured(instance), getContext(), verbose));
                ChangeRef found = changes.find(change);
                if (stopped) {
                    return; // the abort came while the change was looked up: do not submit it
                }
                ChangeRef c = changes.requestApproval(found);
                if (stopped) {
                    return;
                }
                if (c.state() == ChangeState.NEW && !"approved".equals(c.approval())) {
                    throw new AbortException(Messages.WaitForApprovalStep_notSubmitted(c.number()));
                }
                wait = new ApprovalWait(c.sysId(), c.number(), System.currentTimeMillis() + timeoutMillis);
                getContext().saveState();
                new StepLog(getContext().get(TaskListener.class)).action("ServiceNow", "waiting for approval of change " + c.number()
                        + " " + c.url());
                ChangeTickets.record(getContext(), c, "approval awaited");
                listen();
            } catch (Throwable t) {
                if (!stopped) {
                    getContext().onFailure(StepFailures.asAbort(t));
                }
            }
        }

        private void listen() throws Exception {
            ApprovalWatcher.Watch w = ApprovalWaiting.register(getContext(), instance, wait, intervalMillis);
            watch = w;
            if (stopped) {
                w.stop(); // stop() came while the wait was being registered: no watch is left behind
                return;
            }
            w.outcome().whenComplete(this::ended);
        }

        private void ended(ApprovalOutcome outcome, Throwable failure) {
            if (stopped) {
                return;
            }
            if (failure != null) {
                getContext().onFailure(StepFailures.asAbort(failure));
                return;
            }
            if (outcome.result() == ApprovalOutcome.Result.STOPPED) {
                return; // stop() has already ended the step
            }
            try {
                new StepLog(getContext().get(TaskListener.class)).action("ServiceNow", outcome.message());
            } catch (Exception e) {
                // the outcome matters more than its log line
            }
            if (!outcome.approved() && failOnReject) {
                getContext().onFailure(new AbortException(outcome.message()));
                return;
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("number", outcome.number());
            result.put("approval", outcome.result() == ApprovalOutcome.Result.APPROVED ? "approved"
                    : outcome.result() == ApprovalOutcome.Result.REJECTED ? "rejected" : outcome.result().name().toLowerCase(java.util.Locale.ROOT));
            result.put("state", outcome.state() == null ? "" : outcome.state().label());
            getContext().onSuccess(result);
        }

        /** Stops waiting; the change is left as it is. */
        @Override
        public void stop(Throwable cause) {
            stopped = true;
            ApprovalWatcher.Watch w = watch;
            if (w != null) {
                w.stop();
            }
            getContext().onFailure(cause);
        }

        @Override
        public void onResume() {
            if (stopped) {
                return;
            }
            PluginThreads.background().submit(() -> {
                try {
                    if (wait == null) {
                        begin(); // the restart came before the change was found: finding it again changes nothing
                    } else {
                        listen();
                    }
                } catch (Throwable t) {
                    getContext().onFailure(StepFailures.asAbort(t));
                }
            });
        }

        @Override
        public String getStatus() {
            ApprovalWait w = wait;
            return w == null ? "finding change " + change : "waiting for approval of " + w.number();
        }
    }

    @Extension
    @Symbol("serviceNowWaitForApproval")
    public static final class DescriptorImpl extends DescriptorBase {
        @Override
        public String getFunctionName() {
            return "serviceNowWaitForApproval";
        }

        @Override
        public String getDisplayName() {
            return Messages.WaitForApprovalStep_displayName();
        }
    }
}
