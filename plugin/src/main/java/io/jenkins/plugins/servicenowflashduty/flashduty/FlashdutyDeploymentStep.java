package io.jenkins.plugins.servicenowflashduty.flashduty;

import hudson.EnvVars;
import hudson.Extension;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.Fields;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.ChangeStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.DeployEvents;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.run.BuildFacts;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.io.IOException;
import java.io.Serial;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code flashdutyDeployment { deploy }}: records the block as a deployment on Flashduty's change history without
 * ServiceNow: Processing when it starts, Done (successful or not) or Canceled when it ends, keyed by job and build.
 * Needs the admin's change integration; without it the block just runs.
 */
public class FlashdutyDeploymentStep extends Step {
    private static final Logger LOG = Logger.getLogger(FlashdutyDeploymentStep.class.getName());
    private String title;
    private String changeKey;
    private Map<String, Object> labels;
    private boolean durable;

    @DataBoundConstructor
    public FlashdutyDeploymentStep() {
    }

    public String getTitle() {
        return title;
    }

    @DataBoundSetter
    public void setTitle(String title) {
        this.title = Util.fixEmptyAndTrim(title);
    }

    public String getChangeKey() {
        return changeKey;
    }

    /** Where one build deploys more than once: a key of its own for each deployment. */
    @DataBoundSetter
    public void setChangeKey(String changeKey) {
        this.changeKey = Util.fixEmptyAndTrim(changeKey);
    }

    public Map<String, Object> getLabels() {
        return labels;
    }

    @DataBoundSetter
    public void setLabels(Map<String, Object> labels) {
        this.labels = labels;
    }

    public boolean isDurable() {
        return durable;
    }

    @DataBoundSetter
    public void setDurable(boolean durable) {
        this.durable = durable;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        BuildContext build = BuildFacts.of(context.get(Run.class), context.get(EnvVars.class));
        String key = changeKey != null ? changeKey : DeployEvents.buildKey(build);
        return new Execution(context, new DeploymentEvents(key, title, durable, Fields.strings(labels)));
    }

    /** Tells Flashduty, runs the block, tells Flashduty how it ended; the block's result is the step's. */
    static final class Execution extends StepExecution {
        @Serial
        private static final long serialVersionUID = 1L;
        private final DeploymentEvents events;

        Execution(StepContext context, DeploymentEvents events) {
            super(context);
            this.events = events;
        }

        @Override
        public boolean start() throws Exception {
            tell(getContext(), events, ChangeStatus.PROCESSING, null);
            getContext().newBodyInvoker().withCallback(new Ended(events)).start();
            return false;
        }

        static void tell(StepContext context, DeploymentEvents events, ChangeStatus status, Throwable failure) {
            try {
                Run<?, ?> run = context.get(Run.class);
                BuildContext build = BuildFacts.of(run, context.get(EnvVars.class));
                String result = status == ChangeStatus.PROCESSING ? null : status == ChangeStatus.CANCELED ? "aborted"
                        : failure == null ? "successful" : "unsuccessful";
                String description = switch (status) {
                    case PROCESSING -> Messages.FlashdutyDeploymentStep_deploying(build.displayName());
                    case CANCELED -> Messages.FlashdutyDeploymentStep_aborted(build.displayName());
                    default -> failure == null ? Messages.FlashdutyDeploymentStep_succeeded(build.displayName())
                            : Messages.FlashdutyDeploymentStep_failed(build.displayName(), String.valueOf(failure.getMessage()));
                };
                events.send(run, build, new StepLog(context.get(TaskListener.class)), status, null, description, result);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "no change event", e); // a report: never the deployment's failure
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The block ended: Done or Canceled, then the block's own result. */
    private static final class Ended extends BodyExecutionCallback {
        @Serial
        private static final long serialVersionUID = 1L;
        private final DeploymentEvents events;

        Ended(DeploymentEvents events) {
            this.events = events;
        }

        // the step ends once its events are out, or after a short wait (see DeploymentEvents.sentWithin)
        @Override
        public void onSuccess(StepContext context, Object result) {
            Execution.tell(context, events, ChangeStatus.DONE, null);
            afterEvents(context, () -> context.onSuccess(result));
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            Execution.tell(context, events, t instanceof FlowInterruptedException ? ChangeStatus.CANCELED : ChangeStatus.DONE, t);
            afterEvents(context, () -> context.onFailure(t));
        }

        private void afterEvents(StepContext context, Runnable end) {
            StepLog log;
            try {
                log = new StepLog(context.get(TaskListener.class));
            } catch (IOException e) {
                LOG.log(Level.FINE, "no console for the step's end", e);
                end.run();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                end.run();
                return;
            }
            events.sentWithin(DeploymentEvents.AT_END, log).whenComplete((sent, ignored) -> end.run());
        }
    }

    @Extension
    @Symbol("flashdutyDeployment")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "flashdutyDeployment";
        }

        @Override
        public String getDisplayName() {
            return Messages.FlashdutyDeploymentStep_displayName();
        }

        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, EnvVars.class);
        }
    }
}
