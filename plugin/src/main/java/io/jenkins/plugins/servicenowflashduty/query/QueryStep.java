package io.jenkins.plugins.servicenowflashduty.query;

import hudson.Extension;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.ServiceNowStepBase;
import io.jenkins.plugins.servicenowflashduty.client.query.RecordQueries;
import io.jenkins.plugins.servicenowflashduty.run.StepFailures;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.io.Serial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
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
        return new Execution(this, context);
    }

    static final class Execution extends SynchronousNonBlockingStepExecution<List<Map<String, String>>> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final transient QueryStep step;

        Execution(QueryStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected List<Map<String, String>> run() throws Exception {
            return StepFailures.sentences(() -> {
                RecordQueries queries = new RecordQueries(client(configured(step.getInstance()), getContext(), step.isVerbose()));
                List<Map<String, String>> rows = queries.run(step.table, step.query,
                        step.fields == null ? List.of() : step.fields, step.limit);
                new StepLog(getContext().get(TaskListener.class)).action("ServiceNow", "read " + rows.size() + " "
                        + (rows.size() == 1 ? "row" : "rows") + " of " + step.table);
                // plain, mutable JDK collections: what Groovy in the sandbox can use without approvals
                List<Map<String, String>> copy = new ArrayList<>();
                rows.forEach(r -> copy.add(new LinkedHashMap<>(r)));
                return copy;
            });
        }
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
