package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.Result;
import hudson.util.Secret;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Alert;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Every step in a real Pipeline against the simulator: success, failure and bad input. */
@WithJenkins
class StepsTest extends SandboxedJenkinsTest {
    private WorkflowJob job(String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    private List<Map<String, String>> incidents() {
        return sim.serviceNow().records("incident");
    }

    // ---------------------------------------------------------------- incidents

    @Test
    void declarativeFailureRaisesAgainUpdatesAndFixedResolves() throws Exception {
        WorkflowJob p = job("deploy-web", """
                pipeline {
                  agent none
                  parameters { booleanParam(name: 'BREAK', defaultValue: true) }
                  stages { stage('Deploy') { steps { script { if (params.BREAK) { error 'deploy failed: disk full' } } } } }
                  post {
                    failure { serviceNowIncident() }
                    fixed { serviceNowIncident action: 'resolve' }
                  }
                }""");
        WorkflowRun first = j.buildAndAssertStatus(Result.FAILURE, p);
        assertEquals(1, incidents().size());
        Map<String, String> inc = incidents().get(0);
        j.assertLogContains("ServiceNow: created incident " + inc.get("number") + " ", first);
        assertEquals("deploy-web #1 failed", inc.get("short_description"));
        assertTrue(inc.get("description").contains("Last lines of the log:"), inc.get("description"));
        assertTrue(inc.get("description").contains(j.getURL() + "job/deploy-web/1/"), inc.get("description"));
        assertTrue(inc.get("correlation_id").startsWith("jenkins:localhost:"), inc.get("correlation_id"));
        assertTrue(inc.get("correlation_id").endsWith(":deploy-web"), inc.get("correlation_id"));

        assertTrue(j.createWebClient().getPage(p).getWebResponse().getContentAsString().contains(inc.get("number")),
                "the job page shows the open incident");
        WorkflowRun second = j.buildAndAssertStatus(Result.FAILURE, p);
        j.assertLogContains("ServiceNow: updated incident " + inc.get("number"), second);
        assertEquals(1, incidents().size());
        assertEquals(1, sim.serviceNow().journal("incident", inc.get("sys_id"), "work_notes").size());

        WorkflowRun fixed = j.assertBuildStatusSuccess(p.scheduleBuild2(0, new hudson.model.ParametersAction(
                new hudson.model.BooleanParameterValue("BREAK", false))));
        j.assertLogContains("ServiceNow: resolved incident " + inc.get("number"), fixed);
        assertEquals("6", sim.serviceNow().record("incident", inc.get("sys_id")).orElseThrow().get("state"));
        assertTrue(sim.serviceNow().record("incident", inc.get("sys_id")).orElseThrow().get("close_notes").contains("#3"));
        assertFalse(j.createWebClient().getPage(p).getWebResponse().getContentAsString().contains(inc.get("number")),
                "a resolved incident leaves the job page");
    }

    @Test
    void theIncidentStepReturnsAPlainMapAndTakesInstanceDefaults() throws Exception {
        WorkflowRun r = j.buildAndAssertSuccess(job("returns", """
                def i = serviceNowIncident(shortDescription: 'Smoke tests failed', urgency: 'high', fields: [contact_type: 'monitoring'])
                echo "action=${i.action} number=${i.number} url=${i.url}"
                """));
        Map<String, String> inc = incidents().get(0);
        j.assertLogContains("action=created number=" + inc.get("number") + " url=" + sim.baseUrl() + "/incident.do?sys_id=" + inc.get("sys_id"), r);
        assertEquals("1", inc.get("urgency"));
        assertEquals("monitoring", inc.get("contact_type"));
        assertFalse(inc.get("assignment_group").isEmpty()); // the instance's default group
    }

    // ---------------------------------------------------------------- changes

    @Test
    void aChangeBlockRunsTheDeploymentInImplementAndClosesItSuccessful() throws Exception {
        WorkflowRun r = j.buildAndAssertSuccess(job("release", """
                def v = serviceNowCreateChange(shortDescription: 'Deploy web 1.4.2', waitForApproval: true, pollIntervalSeconds: 1) {
                  echo "deploying under ${env.SERVICENOW_CHANGE_NUMBER} ${env.SERVICENOW_CHANGE_SYS_ID}"
                  'deployed'
                }
                echo "block returned ${v}"
                """));
        Map<String, String> c = sim.serviceNow().records("change_request").get(0);
        j.assertLogContains("ServiceNow: created change " + c.get("number"), r);
        j.assertLogContains("ServiceNow: waiting for approval of change " + c.get("number"), r);
        j.assertLogContains("deploying under " + c.get("number") + " " + c.get("sys_id"), r);
        j.assertLogContains("block returned deployed", r);
        assertEquals("3", c.get("state"));
        assertEquals("successful", c.get("close_code"));
        assertTrue(c.get("close_notes").contains(j.getURL() + "job/release/1/"), c.get("close_notes"));
    }

    @Test
    void aFailedDeploymentClosesTheChangeUnsuccessfulAndFailsTheBuildWithItsError() throws Exception {
        WorkflowRun r = j.buildAndAssertStatus(Result.FAILURE, job("release", """
                serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) {
                  error 'smoke tests failed'
                }
                """));
        Map<String, String> c = sim.serviceNow().records("change_request").get(0);
        assertEquals("3", c.get("state"));
        assertEquals("unsuccessful", c.get("close_code"));
        assertTrue(c.get("close_notes").contains("smoke tests failed"), c.get("close_notes"));
        j.assertLogContains("smoke tests failed", r);
    }

    @Test
    void anAbortedDeploymentCancelsTheChangeWithANote() throws Exception {
        WorkflowJob p = job("release", """
                serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) {
                  echo 'deploying'
                  sleep 60
                }
                """);
        WorkflowRun r = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("deploying", r);
        r.doStop();
        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(r));
        Map<String, String> c = sim.serviceNow().records("change_request").get(0);
        assertEquals("4", c.get("state"));
        List<String> notes = sim.serviceNow().journal("change_request", c.get("sys_id"), "work_notes");
        assertTrue(notes.stream().anyMatch(n -> n.contains("was aborted")), notes.toString());
    }

    @Test
    void aRejectedChangeEndsTheBuildWithOneSentenceAndTheBodyNeverRuns() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.rejectAfterPolls(1));
        WorkflowRun r = j.buildAndAssertStatus(Result.FAILURE, job("release", """
                serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) { echo 'MUST NOT RUN' }
                """));
        Map<String, String> c = sim.serviceNow().records("change_request").get(0);
        j.assertLogContains("Change " + c.get("number") + " was rejected.", r);
        j.assertLogNotContains("MUST NOT RUN", r);
        j.assertLogNotContains("\tat ", r); // no stack trace
    }

    @Test
    void openWaitAndUpdateAsSeparateSteps() throws Exception {
        WorkflowRun r = j.buildAndAssertSuccess(job("steps", """
                def c = serviceNowCreateChange(type: 'normal', risk: 'low', fields: [justification: 'release', categroy: 'x'])
                echo "opened ${c.number} ${c.state}"
                def a = serviceNowWaitForApproval(change: c.number, pollIntervalSeconds: 1)
                echo "approval=${a.approval} state=${a.state}"
                def u = serviceNowUpdateChange(change: c.sysId, state: 'Implement', workNote: 'deploying now')
                echo "now ${u.state}"
                def closed = serviceNowUpdateChange(change: c.number, closeCode: 'successful_issues', closeNotes: 'one retry')
                echo "closed ${closed.state}"
                """));
        Map<String, String> c = sim.serviceNow().records("change_request").get(0);
        j.assertLogContains("opened " + c.get("number") + " New", r);
        j.assertLogContains("ServiceNow ignored these fields, which it does not know: categroy.", r);
        j.assertLogContains("approval=approved state=Scheduled", r);
        j.assertLogContains("now Implement", r);
        j.assertLogContains("closed Closed", r);
        assertEquals("successful_issues", c.get("close_code"));
        assertEquals(1, sim.serviceNow().journal("change_request", c.get("sys_id"), "work_notes").stream()
                .filter("deploying now"::equals).count()); // besides the approver's own note
    }

    @Test
    void declarativeStepsTakeBothFormsOfCreateChange() throws Exception {
        WorkflowRun r = j.buildAndAssertSuccess(job("declarative-change", """
                pipeline {
                  agent none
                  stages {
                    stage('Plan') { steps { serviceNowCreateChange(shortDescription: 'planned only') } }
                    stage('Deploy') {
                      steps {
                        serviceNowCreateChange(shortDescription: 'deploy', type: 'standard', template: 'Deploy web application') {
                          echo "deploying under ${env.SERVICENOW_CHANGE_NUMBER}"
                        }
                      }
                    }
                  }
                }"""));
        assertEquals(2, sim.serviceNow().records("change_request").size());
        j.assertLogContains("deploying under CHG", r);
    }

    @Test
    void waitingWithoutFailOnRejectReturnsTheAnswer() throws Exception {
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.rejectAfterPolls(1));
        WorkflowRun r = j.buildAndAssertSuccess(job("soft", """
                def c = serviceNowCreateChange()
                def a = serviceNowWaitForApproval(change: c.number, pollIntervalSeconds: 1, failOnReject: false)
                echo "approval=${a.approval}"
                """));
        j.assertLogContains("approval=rejected", r);
    }

    // ---------------------------------------------------------------- notes, queries, attachments

    @Test
    void notesQueriesAndAttachments() throws Exception {
        WorkflowRun r = j.buildAndAssertSuccess(job("ops", """
                def i = serviceNowIncident()
                serviceNowWorkNote ticket: i.number, text: 'Tests: 120 passed, 0 failed'
                serviceNowWorkNote ticket: i.number, text: 'Tests: 120 passed, 0 failed'
                serviceNowWorkNote table: 'incident', sysId: i.sysId, text: 'We are on it', customerVisible: true
                def rows = serviceNowQuery table: 'incident', query: "number=${i.number}", fields: ['number', 'state'], limit: 5
                echo "rows=${rows.size()} first=${rows[0].number} state=${rows[0].state}"
                node {
                  writeFile file: 'reports/junit.xml', text: '<testsuite tests="120"/>'
                  def a = serviceNowAttach ticket: i.number, file: 'reports/junit.xml'
                  echo "attached ${a.fileName} ${a.sizeBytes}"
                }
                """));
        Map<String, String> inc = incidents().get(0);
        assertEquals(List.of("Tests: 120 passed, 0 failed", "Tests: 120 passed, 0 failed"),
                sim.serviceNow().journal("incident", inc.get("sys_id"), "work_notes"));
        assertEquals(List.of("We are on it"), sim.serviceNow().journal("incident", inc.get("sys_id"), "comments"));
        j.assertLogContains("rows=1 first=" + inc.get("number") + " state=1", r);
        j.assertLogContains("attached junit.xml 24", r);
        j.assertLogContains("ServiceNow: attached junit.xml (24 bytes) to " + inc.get("number"), r);
    }

    @Test
    void aFileOutsideTheWorkspaceIsRefused() throws Exception {
        WorkflowRun r = j.buildAndAssertStatus(Result.FAILURE, job("escape", """
                def i = serviceNowIncident()
                node { serviceNowAttach ticket: i.number, file: '../../secrets/master.key' }
                """));
        j.assertLogContains("'../../secrets/master.key' is outside the workspace; attach files from inside it.", r);
    }

    // ---------------------------------------------------------------- flashduty

    @Test
    void flashdutyFollowsTheBuildAndCarriesTheIncident() throws Exception {
        WorkflowJob p = job("alerting", """
                pipeline {
                  agent none
                  parameters { booleanParam(name: 'BREAK', defaultValue: true) }
                  stages { stage('Build') { steps { script { if (params.BREAK) { error 'compile error' } } } } }
                  post {
                    failure { serviceNowIncident() }
                    cleanup { flashdutyNotify() } // after failure: Declarative runs always first
                  }
                }""");
        WorkflowRun failed = j.buildAndAssertStatus(Result.FAILURE, p);
        List<Alert> alerts = sim.flashduty().alerts();
        assertEquals(1, alerts.size());
        assertFalse(alerts.get(0).recovered());
        Map<String, String> inc = incidents().get(0);
        assertEquals(inc.get("number"), alerts.get(0).events().get(0).labels().get("servicenow_incident"));
        j.assertLogContains("Flashduty: sent Critical alert " + alerts.get(0).alertKey(), failed);
        j.assertLogNotContains(FlashdutySimulator.INTEGRATION_KEY, failed);

        WorkflowRun ok = j.assertBuildStatusSuccess(p.scheduleBuild2(0, new hudson.model.ParametersAction(
                new hudson.model.BooleanParameterValue("BREAK", false))));
        assertTrue(sim.flashduty().alerts().get(0).recovered());
        j.assertLogContains("Flashduty: recovered alert", ok);
    }

    // ---------------------------------------------------------------- bad input and logging

    @Test
    void badInputEndsWithOneSentence() throws Exception {
        assertRefused("serviceNowIncident instance: 'staging'", "No ServiceNow instance is named 'staging'; configured: sandbox.");
        assertRefused("serviceNowIncident action: 'reopen'", "'reopen' is not an incident action; use raise or resolve.");
        assertRefused("serviceNowIncident urgency: 'extreme'", "'extreme' is not");
        assertRefused("serviceNowWorkNote ticket: 'INC0099999', text: 'x'", "INC0099999");
        assertRefused("serviceNowWorkNote ticket: 'XYZ123', text: 'x'", "XYZ123");
        assertRefused("serviceNowWorkNote ticket: 'INC0010001', text: '  '", "The work note is empty.");
        assertRefused("serviceNowCreateChange type: 'minor'", "'minor' is not a change type; use normal, standard or emergency.");
        assertRefused("serviceNowUpdateChange change: 'CHG0030001'", "Nothing to update; give a state, a closeCode, a workNote or fields.");
        assertRefused("flashdutyNotify status: 'Panic'", "Panic");
        assertRefused("serviceNowQuery table: 'incident', limit: 0", "The limit must be between 1 and 10000, not 0.");
        assertRefused("serviceNowWaitForApproval change: 'CHG0030001', timeoutMinutes: 0", "The approval timeout must be at least 1 minute, not 0.");
        assertRefused("serviceNowWaitForApproval change: 'CHG0030001', approvalTimeoutMinutes: 0", "The approval timeout must be at least 1 minute, not 0.");
        assertRefused("serviceNowWaitForApproval change: 'CHG0030001', approvalTimeoutMinutes: 30, timeoutMinutes: 60",
                "Give the timeout once: approvalTimeoutMinutes is 30 and its old name timeoutMinutes is 60; keep approvalTimeoutMinutes.");
        assertRefused("serviceNowWaitForApproval change: 'CHG0030001', pollIntervalSeconds: 0", "The poll interval must be at least 1 second, not 0.");
        assertRefused("serviceNowIncident fields: [tags: ['a', 'b']]", "The field 'tags' has a list as its value; fields take text, numbers or booleans.");

        ServiceNowInstance plain = new ServiceNowInstance("plain", sim.baseUrl(), "sn"); // http:// not allowed
        ServiceNowInstance missing = new ServiceNowInstance("missing", "https://acme.service-now.com", "no-such-credential");
        ServiceNowInstance wrongKind = new ServiceNowInstance("wrong", "https://acme.service-now.com", "file");
        SystemCredentialsProvider.getInstance().getCredentials().add(new org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl(
                CredentialsScope.GLOBAL, "file", "", "key.pem", com.cloudbees.plugins.credentials.SecretBytes.fromBytes(new byte[] {1})));
        List<ServiceNowInstance> all = new java.util.ArrayList<>(ServiceNowConfiguration.get().getInstances());
        all.addAll(List.of(plain, missing, wrongKind));
        ServiceNowConfiguration.get().setInstances(all);
        ServiceNowConfiguration.get().setDefaultInstance("sandbox");
        assertRefused("serviceNowIncident instance: 'plain'", "The URL must use https://");
        assertRefused("serviceNowIncident instance: 'missing'", "The credential 'no-such-credential' of ServiceNow instance 'missing' is not among the credentials stored in Jenkins itself");
        assertRefused("serviceNowIncident instance: 'wrong'", "The credential 'file' of ServiceNow instance 'wrong' is of a kind the plugin cannot use; use Username with password or Secret text.");
        ServiceNowConfiguration.get().setDefaultInstance(null);
        assertRefused("serviceNowIncident()", "Several ServiceNow instances are configured and none is the default; name one with instance: (configured: sandbox, plain, missing, wrong).");
    }

    private int refusals;

    private void assertRefused(String script, String sentence) throws Exception {
        WorkflowRun r = j.buildAndAssertStatus(Result.FAILURE, job("refused-" + refusals++, script));
        j.assertLogContains(sentence, r);
        j.assertLogNotContains("\tat ", r);
        j.assertLogNotContains("Exception", r);
    }

    @Test
    void requestsReachTheConsoleOnlyWhenVerboseAndNeverASecret() throws Exception {
        WorkflowRun quiet = j.buildAndAssertSuccess(job("quiet", "serviceNowQuery table: 'sys_user_group', limit: 1"));
        j.assertLogNotContains("ServiceNow request:", quiet);
        WorkflowRun loud = j.buildAndAssertSuccess(job("loud", """
                serviceNowQuery table: 'sys_user_group', limit: 1, verbose: true
                flashdutyNotify status: 'Info', title: 'hello', verbose: true
                """));
        j.assertLogContains("ServiceNow request: GET /api/now/table/sys_user_group -> 200", loud);
        j.assertLogContains("Flashduty request: POST /event/push/alert/standard -> 200", loud);
        j.assertLogNotContains(FlashdutySimulator.INTEGRATION_KEY, loud);
        j.assertLogNotContains("amVua2luczpqZW5raW5z", loud); // jenkins:jenkins in Base64
    }

    @Test
    void anApiKeyCredentialWorksAndAnEditedCredentialTakesEffectWithoutARestart() throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL, "key", "",
                Secret.fromString("wrong-key")));
        ServiceNowInstance byKey = new ServiceNowInstance("bykey", sim.baseUrl(), "key");
        byKey.setAllowPlainHttp(true);
        ServiceNowConfiguration.get().setInstances(List.of(byKey));
        j.assertLogContains("did not accept the credentials", j.buildAndAssertStatus(Result.FAILURE, job("first", "serviceNowQuery table: 'incident'")));
        SystemCredentialsProvider.getInstance().getCredentials().removeIf(c -> c instanceof StringCredentialsImpl s && s.getId().equals("key"));
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL, "key", "",
                Secret.fromString("sandbox-api-key")));
        j.buildAndAssertSuccess(job("second", "serviceNowQuery table: 'incident'"));
    }

    // ---------------------------------------------------------------- the build page

    @Test
    void theBuildPageAndItsApiListEveryTicketTheBuildTouchedEscaped() throws Exception {
        WorkflowRun r = j.buildAndAssertSuccess(job("page", """
                def i = serviceNowIncident()
                serviceNowWorkNote ticket: i.number, text: 'noted'
                serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) { echo 'deploying' }
                flashdutyNotify status: 'Warning'
                """));
        Map<String, String> inc = incidents().get(0);
        Map<String, String> chg = sim.serviceNow().records("change_request").get(0);
        io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction action = r.getAction(io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction.class);
        assertEquals(3, action.getTickets().size());
        assertEquals(List.of("created", "noted"), action.getTickets().get(0).getActions());
        assertEquals(List.of("created", "implementing", "closed"), action.getTickets().get(1).getActions());
        assertEquals("Closed", action.getTickets().get(1).getState());
        assertTrue(action.getTickets().get(1).getTimeline().stream().anyMatch(e -> e.contains("approved")), action.getTickets().get(1).getTimeline().toString());
        // from outside: a ticket text that tries to be HTML stays text
        io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction.record(r, io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry.Kind.TICKET,
                "<img src=x onerror=alert(1)>", "javascript:alert(1)", "noted", "<b>bold</b>");

        JenkinsRule.WebClient wc = j.createWebClient();
        String buildPage = wc.getPage(r).getWebResponse().getContentAsString();
        assertTrue(buildPage.contains(inc.get("number")) && buildPage.contains(chg.get("number")), "summary box lists the tickets");
        String page = wc.getPage(r, "servicenow/").getWebResponse().getContentAsString();
        assertTrue(page.contains("href=\"" + sim.baseUrl() + "/incident.do?sys_id=" + inc.get("sys_id") + "\""), "links to the instance");
        assertFalse(page.contains("<img src=x"), "escaped");
        assertTrue(page.contains("&lt;img src=x onerror=alert(1)"), "shown as text");
        assertFalse(page.contains("href=\"javascript:"), "only http(s) links");
        String json = wc.goTo(r.getUrl() + "api/json?tree=actions[tickets[kind,number,url,actions,state,timeline]]", "application/json")
                .getWebResponse().getContentAsString();
        assertTrue(json.contains("\"number\":\"" + inc.get("number") + "\""), json);
        assertTrue(json.contains("\"kind\":\"ALERT\""), json);
    }
}
