package io.jenkins.plugins.servicenowflashduty.run;

import java.io.Serial;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

/**
 * The execution of every step whose work is one short blocking call: it runs off the Pipeline thread and
 * ends the step with the failure's one sentence. Like any synchronous step, it is not resumed after a restart.
 */
public final class StepCall<T> extends SynchronousNonBlockingStepExecution<T> {
    @Serial
    private static final long serialVersionUID = 1L;
    private final transient Work<T> work;

    /** A step's work, given its context. */
    @FunctionalInterface
    public interface Work<T> {
        T run(StepContext context) throws Exception;
    }

    public StepCall(StepContext context, Work<T> work) {
        super(context);
        this.work = work;
    }

    @Override
    protected T run() throws Exception {
        return StepFailures.sentences(() -> work.run(getContext()));
    }
}
