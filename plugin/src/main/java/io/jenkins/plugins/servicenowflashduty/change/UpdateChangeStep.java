package io.jenkins.plugins.servicenowflashduty.change;

import hudson.AbortException;
import hudson.Extension;
import hudson.Util;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.Fields;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRef;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeState;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.client.change.CloseCode;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.worknote.JournalField;
import io.jenkins.plugins.servicenowflashduty.client.worknote.TicketRef;
import io.jenkins.plugins.servicenowflashduty.client.worknote.WorkNotes;
import io.jenkins.plugins.servicenowflashduty.run.StepFailures;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.io.Serial;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code serviceNowUpdateChange}: fields, a work note, a new state, or the close with its result, on a change
 * named by number or sys_id.
 */
public final class UpdateChangeStep extends ServiceNowStepBase {
    private final String change;
    private String state;
    private String closeCode;
    private String closeNotes;
    private String workNote;
    private Map<String, Object> fields;

    @DataBoundConstructor
    public UpdateChangeStep(String change) {
        this.change = change;
    }

    public String getChange() {
        return change;
    }

    public String getState() {
        return state;
    }

    @DataBoundSetter
    public void setState(String state) {
        this.state = Util.fixEmptyAndTrim(state);
    }

    public String getCloseCode() {
        return closeCode;
    }

    @DataBoundSetter
    public void setCloseCode(String closeCode) {
        this.closeCode = Util.fixEmptyAndTrim(closeCode);
    }

    public String getCloseNotes() {
        return closeNotes;
    }

    @DataBoundSetter
    public void setCloseNotes(String closeNotes) {
        this.closeNotes = closeNotes;
    }

    public String getWorkNote() {
        return workNote;
    }

    @DataBoundSetter
    public void setWorkNote(String workNote) {
        this.workNote = workNote;
    }

    public Map<String, Object> getFields() {
        return fields;
    }

    @DataBoundSetter
    public void setFields(Map<String, Object> fields) {
        this.fields = fields;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final transient UpdateChangeStep step;

        Execution(UpdateChangeStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            return StepFailures.sentences(() -> {
                Map<String, String> fields = Fields.strings(step.fields);
                boolean note = step.workNote != null && !step.workNote.isBlank();
                if (step.state == null && step.closeCode == null && !note && fields.isEmpty()) {
                    throw new AbortException(Messages.UpdateChangeStep_nothingToDo());
                }
                CloseCode code = step.closeCode == null ? null : CloseCode.parse(step.closeCode);
                ChangeState target = step.state == null ? null : ChangeState.parse(step.state);
                ServiceNowClient client = client(configured(step.getInstance()), getContext(), step.isVerbose());
                Changes changes = new Changes(client);
                StepLog log = new StepLog(getContext().get(TaskListener.class));
                ChangeRef c = changes.find(step.change);
                if (!fields.isEmpty()) {
                    client.update("change_request", c.sysId(), fields);
                }
                if (note) {
                    new WorkNotes(client).add(TicketRef.record("change_request", c.sysId()), JournalField.WORK_NOTES, step.workNote);
                }
                if (code != null) {
                    c = changes.close(c, code, step.closeNotes);
                } else if (target != null) {
                    c = changes.setState(c, target);
                } else {
                    c = changes.refresh(c);
                }
                log.action("ServiceNow", "updated change " + c.number() + " (" + c.state().label() + ") " + c.url());
                ChangeTickets.record(getContext(), c, code != null ? "closed" : "updated");
                return ChangeResults.of(c);
            });
        }
    }

    @Extension
    @Symbol("serviceNowUpdateChange")
    public static final class DescriptorImpl extends DescriptorBase {
        @Override
        public String getFunctionName() {
            return "serviceNowUpdateChange";
        }

        @Override
        public String getDisplayName() {
            return Messages.UpdateChangeStep_displayName();
        }
    }
}
