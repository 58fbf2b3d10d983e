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
import io.jenkins.plugins.servicenowflashduty.run.StepCall;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
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
        return new StepCall<>(context, this::run);
    }

    private Map<String, Object> run(StepContext context) throws Exception {
        Map<String, String> values = Changes.updateFields(Fields.strings(fields));
        boolean note = workNote != null && !workNote.isBlank();
        if (state == null && closeCode == null && !note && values.isEmpty()) {
            throw new AbortException(Messages.UpdateChangeStep_nothingToDo());
        }
        if (state != null && closeCode != null) {
            throw new AbortException(Messages.UpdateChangeStep_stateAndClose());
        }
        CloseCode code = closeCode == null ? null : CloseCode.parse(closeCode);
        ChangeState target = state == null ? null : ChangeState.parse(state);
        ServiceNowClient client = client(configured(getInstance()), context, isVerbose());
        Changes changes = new Changes(client);
        StepLog log = new StepLog(context.get(TaskListener.class));
        ChangeRef c = changes.find(change);
        if (!values.isEmpty()) {
            client.columns().checkColumns("change_request", values.keySet()); // ServiceNow would ignore an unknown one
            client.update("change_request", c.sysId(), values);
        }
        if (note) {
            new WorkNotes(client).add(TicketRef.record("change_request", c.sysId()), JournalField.WORK_NOTES, workNote);
        }
        if (code != null) {
            c = changes.close(c, code, closeNotes);
        } else if (target != null) {
            c = changes.setState(c, target);
        } else {
            c = changes.refresh(c);
        }
        log.action("ServiceNow", "updated change " + c.number() + " (" + c.state().label() + ") " + c.url());
        ChangeTickets.record(context, c, code != null ? "closed" : "updated");
        return ChangeResults.of(c);
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
