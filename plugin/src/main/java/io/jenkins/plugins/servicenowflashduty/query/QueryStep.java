package io.jenkins.plugins.servicenowflashduty.query;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.client.query.RecordQueries;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.run.StepCall;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/** {@code serviceNowQuery}: rows of any table matching an encoded query, as a list of maps of raw values. */
public final class QueryStep extends ServiceNowStepBase {
    private final String table;
    private String query;
    private List<String> fields;
    private int limit = 100;

    @DataBoundConstructor
    public QueryStep(String table) {
        this.table = table;
    }

    public String getTable() {
        return table;
    }

    public String getQuery() {
        return query;
    }

    /** An encoded query such as {@code active=true^priority=1}. */
    @DataBoundSetter
    public void setQuery(String query) {
        this.query = query;
    }

    public List<String> getFields() {
        return fields;
    }

    @DataBoundSetter
    public void setFields(List<String> fields) {
        this.fields = fields;
    }

    public int getLimit() {
        return limit;
    }

    @DataBoundSetter
    public void setLimit(int limit) {
        this.limit = limit;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new StepCall<>(context, this::run);
    }

    private List<Map<String, String>> run(StepContext context) throws Exception {
        ServiceNowInstance instance = configured(getInstance());
        String wanted = table == null ? "" : table.strip();
        if (!instance.queryableTables().contains(wanted)) {
            throw new AbortException(Messages.QueryStep_tableNotAllowed(wanted, instance.getName(), String.join(", ", instance.queryableTables())));
        }
        RecordQueries queries = new RecordQueries(client(instance, context, isVerbose()));
        List<Map<String, String>> rows = queries.run(wanted, query,
                fields == null ? List.of() : fields, limit);
        new StepLog(context.get(TaskListener.class)).action("ServiceNow", "read " + rows.size() + " "
                + (rows.size() == 1 ? "row" : "rows") + " of " + table);
        // plain, mutable JDK collections: what Groovy in the sandbox can use without approvals
        List<Map<String, String>> copy = new ArrayList<>();
        rows.forEach(r -> copy.add(new LinkedHashMap<>(r)));
        return copy;
    }

    @Extension
    @Symbol("serviceNowQuery")
    public static final class DescriptorImpl extends DescriptorBase {
        @Override
        public String getFunctionName() {
            return "serviceNowQuery";
        }

        @Override
        public String getDisplayName() {
            return Messages.QueryStep_displayName();
        }
    }
}
