package io.jenkins.plugins.servicenowflashduty.worknote;

import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.delivery.StepQueue;
import hudson.Extension;
import hudson.Util;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.worknote.JournalField;
import io.jenkins.plugins.servicenowflashduty.client.worknote.TicketRef;
import io.jenkins.plugins.servicenowflashduty.client.worknote.WorkNotes;
import io.jenkins.plugins.servicenowflashduty.run.StepCall;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code serviceNowWorkNote}: a work note (or, with {@code customerVisible: true}, an additional comment) on
 * any ticket, by number or by table and sys_id.
 */
public final class WorkNoteStep extends ServiceNowStepBase {
    private final String text;
    private String ticket;
    private String table;
    private String sysId;
    private boolean customerVisible;
    private boolean durable;

    @DataBoundConstructor
    public WorkNoteStep(String text) {
        this.text = text;
    }

    public String getText() {
        return text;
    }

    public String getTicket() {
        return ticket;
    }

    /** A ticket number such as INC0010001 or CHG0030001. */
    @DataBoundSetter
    public void setTicket(String ticket) {
        this.ticket = Util.fixEmptyAndTrim(ticket);
    }

    public String getTable() {
        return table;
    }

    @DataBoundSetter
    public void setTable(String table) {
        this.table = Util.fixEmptyAndTrim(table);
    }

    public String getSysId() {
        return sysId;
    }

    @DataBoundSetter
    public void setSysId(String sysId) {
        this.sysId = Util.fixEmptyAndTrim(sysId);
    }

    public boolean isCustomerVisible() {
        return customerVisible;
    }

    @DataBoundSetter
    public void setCustomerVisible(boolean customerVisible) {
        this.customerVisible = customerVisible;
    }

    /** Queue the write and return at once; it is delivered in the background, also after a restart. */
    public boolean isDurable() {
        return durable;
    }

    @DataBoundSetter
    public void setDurable(boolean durable) {
        this.durable = durable;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new StepCall<>(context, this::run);
    }

    private Map<String, Object> run(StepContext context) throws Exception {
        TicketRef ref = TicketRef.of(ticket, table, sysId);
        ServiceNowClient client = client(configured(getInstance()), context, isVerbose());
        JournalField field = customerVisible ? JournalField.COMMENTS : JournalField.WORK_NOTES;
        if (durable) {
            return StepQueue.queue(context, "ServiceNow", QueuedWrites.note(configured(getInstance()).getName(), ref, field, text,
                    context.get(hudson.model.Run.class).getFullDisplayName()));
        }
        SnRecord target = new WorkNotes(client).add(ref, field, text);
        String url = client.recordUrl(ref.table(), target.sysId());
        new StepLog(context.get(TaskListener.class)).action("ServiceNow", (field == JournalField.COMMENTS
                ? "added a comment to " : "added a work note to ") + target.number() + " " + url);
        TicketsAction.record(context.get(hudson.model.Run.class), TicketsAction.kindOf(target.number()), target.number(), url,
                field == JournalField.COMMENTS ? "commented" : "noted", "");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("number", target.number());
        result.put("sysId", target.sysId());
        result.put("url", url);
        return result;
    }

    @Extension
    @Symbol("serviceNowWorkNote")
    public static final class DescriptorImpl extends DescriptorBase {
        @Override
        public String getFunctionName() {
            return "serviceNowWorkNote";
        }

        @Override
        public String getDisplayName() {
            return Messages.WorkNoteStep_displayName();
        }
    }
}
