package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.FreeStyleProject;
import hudson.model.Result;
import io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.FailureBuilder;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** What a pipeline cannot do to other jobs' work: approve its own change, read any table, read other jobs' logs. */
@WithJenkins
class PipelineGuardsTest {
    private JenkinsRule j;
    private Simulator sim;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        sim = Simulator.start();
        Sandbox.configure(sim);
    }

    @AfterEach
    void tearDown() {
        sim.close();
    }

    private WorkflowRun fails(String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return j.buildAndAssertStatus(Result.FAILURE, p);
    }

    @Test
    void aPipelineCannotApproveItsOwnChangeThroughFields() throws Exception {
        WorkflowJob open = j.createProject(WorkflowJob.class, "open");
        open.setDefinition(new CpsFlowDefinition("def c = serviceNowCreateChange(shortDescription: 'Deploy'); echo \"opened ${c.number}\"", true));
        j.buildAndAssertSuccess(open);
        Map<String, String> change = sim.serviceNow().records("change_request").get(0);
        WorkflowRun approve = fails("approve", "serviceNowUpdateChange(change: '" + change.get("number")
                + "', fields: [approval: 'approved', u_note: 'x'])");
        j.assertLogContains("fields: cannot set approval; a change is approved by its approvers in ServiceNow, not by the pipeline.", approve);
        WorkflowRun both = fails("both", "serviceNowUpdateChange(change: '" + change.get("number") + "', state: 'implement', closeCode: 'successful')");
        j.assertLogContains("Give either state: or closeCode: (which moves the change to Closed itself), not both.", both);
        assertEquals(change.get("approval"), sim.serviceNow().records("change_request").get(0).get("approval"), "untouched");
    }

    @Test
    void aPipelineQueriesOnlyTheTablesTheAdministratorAllows() throws Exception {
        sim.requests().clear();
        WorkflowRun users = fails("users", "serviceNowQuery(table: 'sys_user', query: 'active=true')");
        j.assertLogContains("Pipelines may not query the table 'sys_user' on the ServiceNow instance 'sandbox'; they may query incident,"
                + " change_request, change_task, problem, cmdb_ci, sys_user_group, and an administrator can change that list.", users);
        assertTrue(sim.requests().all().isEmpty(), "nothing was asked: " + sim.requests().all());

        ServiceNowConfiguration.get().getInstances().get(0).setQueryTables("sys_user");
        WorkflowJob allowed = j.createProject(WorkflowJob.class, "allowed");
        allowed.setDefinition(new CpsFlowDefinition("echo \"rows=${serviceNowQuery(table: 'sys_user', query: 'active=true').size()}\"", true));
        j.assertLogContains("rows=", j.buildAndAssertSuccess(allowed));
        WorkflowRun incidents = fails("incidents", "serviceNowQuery(table: 'incident')");
        j.assertLogContains("Pipelines may not query the table 'incident'", incidents);
    }

    @Test
    void theAdminWideIncidentQuotesNoLogUnlessTheAdministratorTurnsItOn() throws Exception {
        IncidentOnFailure rule = new IncidentOnFailure();
        ServiceNowConfiguration.get().setIncidentOnFailure(rule);
        FreeStyleProject p = j.createFreeStyleProject("nightly");
        p.getBuildersList().add(new FailureBuilder());
        j.buildAndAssertStatus(Result.FAILURE, p);
        DeliveryTest.eventually(() -> sim.serviceNow().records("incident").size() == 1, "the incident");
        String quiet = sim.serviceNow().records("incident").get(0).get("description");
        assertFalse(quiet.contains("Last lines of the log"), quiet);
        assertTrue(quiet.contains("nightly #1"), quiet);

        rule.setLogExcerpt(true);
        p.getBuildersList().clear();
        j.buildAndAssertSuccess(p);
        DeliveryTest.eventually(() -> "6".equals(sim.serviceNow().records("incident").get(0).get("state")), "resolved");
        p.getBuildersList().add(new FailureBuilder());
        j.buildAndAssertStatus(Result.FAILURE, p);
        DeliveryTest.eventually(() -> sim.serviceNow().records("incident").size() == 2, "a second incident");
        List<Map<String, String>> all = sim.serviceNow().records("incident");
        String quoting = all.get(1).get("description");
        assertTrue(quoting.contains("Last lines of the log"), quoting);
    }
}
