package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.BooleanParameterDefinition;
import hudson.model.BooleanParameterValue;
import hudson.model.ParametersAction;
import hudson.model.ParametersDefinitionProperty;
import hudson.model.Result;
import hudson.model.StringParameterDefinition;
import hudson.model.StringParameterValue;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** An incident knows the change that caused it: the build's own, the job's recent deploy, or the one a pipeline names. */
@WithJenkins
class CausedByTest extends SandboxedJenkinsTest {
    private WorkflowJob job(String name, String script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    private Map<String, String> change(int i) {
        return sim.serviceNow().records("change_request").get(i);
    }

    @Test
    void aFailedDeployRaisesAnIncidentCausedByItsChangeAndTheFixResolvesIt() throws Exception {
        WorkflowJob p = job("deploy-web", """
                pipeline {
                  agent none
                  parameters { booleanParam(name: 'BREAK', defaultValue: true) }
                  stages {
                    stage('Deploy') {
                      steps {
                        serviceNowCreateChange(shortDescription: 'Deploy web', waitForApproval: true, pollIntervalSeconds: 1) {
                          echo 'deploying'
                          script { if (params.BREAK) { error 'health check failed' } }
                        }
                      }
                    }
                  }
                  post {
                    failure {
                      echo "change after the block: ${env.SERVICENOW_CHANGE_NUMBER}"
                      serviceNowIncident()
                    }
                    fixed { serviceNowIncident action: 'resolve' }
                  }
                }
                """);
        WorkflowRun broken = j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0));
        Map<String, String> c = change(0);
        Map<String, String> incident = sim.serviceNow().records("incident").get(0);
        j.assertLogContains("change after the block: " + c.get("number"), broken);
        j.assertLogContains("created incident " + incident.get("number") + " (caused by change " + c.get("number") + ")", broken);
        assertEquals(c.get("sys_id"), incident.get("caused_by"));
        assertEquals("unsuccessful", c.get("close_code"));
        assertTrue(broken.getAction(TicketsAction.class).getTickets().stream().anyMatch(t -> t.getNumber().equals(incident.get("number"))
                && t.getTimeline().toString().contains("caused by change " + c.get("number"))));
        List<String> notes = sim.serviceNow().journal("change_request", c.get("sys_id"), "work_notes");
        assertTrue(notes.get(0).startsWith("Incident " + incident.get("number") + " was raised for Jenkins build deploy-web #1"), notes.toString());

        WorkflowRun fixed = j.assertBuildStatusSuccess(p.scheduleBuild2(0, new ParametersAction(new BooleanParameterValue("BREAK", false))));
        j.assertLogContains("resolved incident " + incident.get("number"), fixed);
        assertEquals("6", sim.serviceNow().records("incident").get(0).get("state"));
    }

    @Test
    void aFailureSoonAfterADeployIsPutDownToItsChangeUnlessTheWindowIsZero() throws Exception {
        WorkflowJob p = job("web", """
                if (params.DEPLOY) {
                  serviceNowCreateChange(shortDescription: 'Deploy web') { echo 'deploying' }
                } else {
                  serviceNowIncident(correlationId: "web-${currentBuild.number}", causedByWithinHours: params.HOURS as Integer)
                }
                """);
        p.addProperty(new ParametersDefinitionProperty(new BooleanParameterDefinition("DEPLOY", true, ""),
                new StringParameterDefinition("HOURS", "24")));
        j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        String deployed = change(0).get("sys_id");
        j.assertBuildStatusSuccess(p.scheduleBuild2(0, new ParametersAction(new BooleanParameterValue("DEPLOY", false))));
        assertEquals(deployed, sim.serviceNow().records("incident").get(0).get("caused_by"));
        j.assertBuildStatusSuccess(p.scheduleBuild2(0, new ParametersAction(new BooleanParameterValue("DEPLOY", false),
                new StringParameterValue("HOURS", "0"))));
        assertEquals("", sim.serviceNow().records("incident").get(1).get("caused_by"));
    }

    @Test
    void aChangeNamedByThePipelineWinsAndMustExist() throws Exception {
        WorkflowRun ok = j.assertBuildStatusSuccess(job("named", """
                def c = serviceNowCreateChange(shortDescription: 'planned elsewhere')
                def i = serviceNowIncident(correlationId: 'named', causedBy: c.number)
                echo "linked to ${i.causedBy}"
                """).scheduleBuild2(0));
        j.assertLogContains("linked to " + change(0).get("number"), ok);
        WorkflowRun bad = j.assertBuildStatus(Result.FAILURE, job("typo", "serviceNowIncident(causedBy: 'CHG0099999')").scheduleBuild2(0));
        j.assertLogContains("ServiceNow has no change CHG0099999", bad);
        j.assertLogNotContains("\tat ", bad);
        // a queued raise is checked before it is queued, not dropped at its delivery
        int incidents = sim.serviceNow().records("incident").size();
        WorkflowRun queued = j.assertBuildStatus(Result.FAILURE, job("typo-durable",
                "serviceNowIncident(causedBy: 'CHG0099998', durable: true)").scheduleBuild2(0));
        j.assertLogContains("ServiceNow has no change CHG0099998", queued);
        assertEquals(incidents, sim.serviceNow().records("incident").size());
    }

    @Test
    void aDeploymentThatNeverRanCausedNothing() throws Exception {
        sim.serviceNow().schedules().addSchedule("blackout", "Freeze", Instant.now().minusSeconds(3600),
                Instant.now().plusSeconds(86_400), List.of());
        WorkflowRun refused = j.assertBuildStatus(Result.FAILURE, job("refused", """
                try {
                  serviceNowCreateChange(plannedDurationMinutes: 30, checkConflicts: true) { echo 'deploying' }
                } finally {
                  serviceNowIncident()
                }
                """).scheduleBuild2(0));
        j.assertLogContains("falls in the blackout 'Freeze'", refused);
        assertEquals("", sim.serviceNow().records("incident").get(0).get("caused_by"), "a refused deployment changed nothing");
    }
}
