package io.jenkins.plugins.servicenowflashduty.attachment;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.http.Body;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.worknote.TicketRef;
import io.jenkins.plugins.servicenowflashduty.run.StepCall;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.net.URLConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code serviceNowAttach}: attaches a workspace file to a ticket, streamed from the agent (a retry reads
 * it again), refused past ServiceNow's 10 MiB with a sentence, and only from inside the workspace.
 */
public final class AttachStep extends ServiceNowStepBase {
    private final String file;
    private String ticket;
    private String table;
    private String sysId;

    @DataBoundConstructor
    public AttachStep(String file) {
        this.file = file;
    }

    public String getFile() {
        return file;
    }

    public String getTicket() {
        return ticket;
    }

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

    @Override
    public StepExecution start(StepContext context) {
        return new StepCall<>(context, this::run);
    }

    private Map<String, Object> run(StepContext context) throws Exception {
        TicketRef ref = TicketRef.of(ticket, table, sysId);
        FilePath workspace = context.get(FilePath.class);
        String path = Util.fixEmptyAndTrim(file);
        if (path == null) {
            throw new AbortException(Messages.AttachStep_noFile());
        }
        // isDescendant resolves symbolic links, so a link pointing out of the workspace is refused too
        if (!workspace.isDescendant(path)) {
            throw new AbortException(Messages.AttachStep_outsideWorkspace(path));
        }
        FilePath target = workspace.child(path);
        if (!target.exists() || target.isDirectory()) {
            throw new AbortException(Messages.AttachStep_notAFile(path));
        }
        long length = target.length();
        ServiceNowClient client = client(configured(getInstance()), context, isVerbose());
        SnRecord ticketRecord = ref.resolve(client);
        String type = URLConnection.guessContentTypeFromName(target.getName());
        SnRecord attached = client.attach(ref.table(), ticketRecord.sysId(), target.getName(), type,
                Body.stream(length, () -> open(target)));
        String url = client.recordUrl(ref.table(), ticketRecord.sysId());
        new StepLog(context.get(TaskListener.class)).action("ServiceNow", "attached " + target.getName() + " ("
                + length + " bytes) to " + ticketRecord.number() + " " + url);
        TicketsAction.record(context.get(Run.class), TicketsAction.kindOf(ticketRecord.number()), ticketRecord.number(), url,
                "attached " + target.getName(), "");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("number", ticketRecord.number());
        result.put("attachmentSysId", attached.sysId());
        result.put("fileName", target.getName());
        result.put("sizeBytes", length);
        result.put("url", url);
        return result;
    }

    /** A fresh stream of the file for each attempt; an interrupted build ends it. */
    static java.io.InputStream open(FilePath file) throws java.io.IOException {
        try {
            return file.read();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while opening " + file.getName());
        }
    }

    @Extension
    @Symbol("serviceNowAttach")
    public static final class DescriptorImpl extends DescriptorBase {
        @Override
        public String getFunctionName() {
            return "serviceNowAttach";
        }

        @Override
        public String getDisplayName() {
            return Messages.AttachStep_displayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, EnvVars.class, FilePath.class);
        }
    }
}
