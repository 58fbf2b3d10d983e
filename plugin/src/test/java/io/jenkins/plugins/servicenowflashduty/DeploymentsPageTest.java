package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.hudson.plugins.folder.Folder;
import hudson.model.BooleanParameterValue;
import hudson.model.Item;
import hudson.model.ParametersAction;
import hudson.model.Result;
import io.jenkins.plugins.servicenowflashduty.client.deployments.Deployment;
import io.jenkins.plugins.servicenowflashduty.client.deployments.DeploymentLedger;
import java.time.Instant;
import jenkins.model.Jenkins;
import net.sf.json.JSONArray;
import net.sf.json.JSONObject;
import org.htmlunit.Page;
import org.htmlunit.html.HtmlPage;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The deployments page: what change blocks recorded, the DORA figures, filters, the JSON and CSV, and who sees what. */
@WithJenkins
class DeploymentsPageTest extends SandboxedJenkinsTest {
    private JenkinsRule.WebClient web() {
        return j.createWebClient().withJavaScriptEnabled(false);
    }

    @Test
    void aDeployThatBrokeAndItsFixAreOnThePageWithTheirFigures() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "deploy-web");
        p.setDefinition(new CpsFlowDefinition("""
                pipeline {
                  agent none
                  parameters { booleanParam(name: 'BREAK', defaultValue: false) }
                  stages {
                    stage('Deploy') {
                      steps {
                        serviceNowCreateChange(shortDescription: 'Deploy web', waitForApproval: true, pollIntervalSeconds: 1) {
                          script { if (params.BREAK) { error 'health check failed' } }
                        }
                      }
                    }
                  }
                  post {
                    failure { serviceNowIncident() }
                    fixed { serviceNowIncident action: 'resolve' }
                  }
                }
                """, true));
        j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        j.assertBuildStatus(Result.FAILURE, p.scheduleBuild2(0, new ParametersAction(new BooleanParameterValue("BREAK", true))));
        j.assertBuildStatusSuccess(p.scheduleBuild2(0, new ParametersAction(new BooleanParameterValue("BREAK", false))));
        String broken = sim.serviceNow().records("change_request").get(1).get("number");
        String incident = sim.serviceNow().records("incident").get(0).get("number");

        HtmlPage page = web().goTo("servicenow-deployments/");
        String text = page.asNormalizedText();
        assertTrue(text.contains("3 deployments"), text);
        assertTrue(text.contains("Change failure rate: 33.3 %"), text);
        assertTrue(text.contains(broken) && text.contains(incident), text);
        assertFalse(page.getByXPath("//div[contains(@class,'snfd-dora-charts')][@data-chart]").isEmpty(), "the charts' data");
        assertTrue(j.jenkins.getActions().stream().anyMatch(a -> "servicenow-deployments".equals(a.getUrlName())), "linked from the dashboard");

        JSONObject json = JSONObject.fromObject(web().goTo("servicenow-deployments/api/json", "application/json").getWebResponse().getContentAsString());
        JSONArray rows = json.getJSONArray("deployments");
        assertEquals(3, rows.size());
        JSONObject failed = rows.getJSONObject(1);
        assertEquals(broken, failed.getString("change"));
        assertEquals("unsuccessful", failed.getString("result"));
        assertEquals(incident, failed.getString("incident"));
        assertTrue(failed.getLong("timeToRestoreSeconds") >= 0, failed.toString());
        assertEquals(3, json.getJSONArray("weeks").getJSONObject(0).getInt("deployments"));

        Page csv = web().goTo("servicenow-deployments/csv?result=failed", "text/csv");
        String[] lines = csv.getWebResponse().getContentAsString().split("\r\n");
        assertEquals(2, lines.length, String.join("\n", lines));
        assertTrue(lines[1].startsWith("deploy-web,2,") && lines[1].contains(broken), lines[1]);
    }

    @Test
    void aDeploymentWhoseChangeCannotBeClosedIsStillOnThePage() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "deploy-api");
        p.setDefinition(new CpsFlowDefinition("""
                serviceNowCreateChange(waitForApproval: true, pollIntervalSeconds: 1) {
                  echo 'DEPLOYING'
                  sleep 2
                }
                """, true));
        WorkflowRun r = p.scheduleBuild2(0).waitForStart();
        j.waitForMessage("DEPLOYING", r);
        sim.faults().on("PATCH", "/api/now/table/change_request/").respond(403); // the evidence and the close are refused
        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(r));
        JSONArray rows = JSONObject.fromObject(web().goTo("servicenow-deployments/api/json", "application/json").getWebResponse()
                .getContentAsString()).getJSONArray("deployments");
        assertEquals(1, rows.size(), rows.toString());
        assertEquals("successful", rows.getJSONObject(0).getString("result"), "the deployment ran and worked; only its change was not closed");
    }

    @Test
    void aBadFilterIsOneSentenceOnThePageAndA400ForPrograms() throws Exception {
        HtmlPage page = web().goTo("servicenow-deployments/?result=green");
        assertTrue(page.asNormalizedText().contains("'green' is not a result to filter by"), page.asNormalizedText());
        assertFalse(page.getByXPath("//a[contains(@href,'api/')]").isEmpty(), "the page's footer still links its API");
        JenkinsRule.WebClient wc = web();
        wc.setThrowExceptionOnFailingStatusCode(false);
        Page api = wc.goTo("servicenow-deployments/api/json?from=yesterday", null);
        assertEquals(400, api.getWebResponse().getStatusCode());
        assertTrue(api.getWebResponse().getContentAsString().contains("is not a day for"), api.getWebResponse().getContentAsString());
    }

    @Test
    void onlyTheJobsAUserMayReadAreCountedAndWhatCameFromOutsideIsEscaped() throws Exception {
        Folder shop = j.createProject(Folder.class, "shop");
        Folder vault = j.createProject(Folder.class, "vault");
        WorkflowJob visible = shop.createProject(WorkflowJob.class, "deploy");
        WorkflowJob hidden = j.createProject(WorkflowJob.class, "payments-deploy");
        Instant t = Instant.parse("2026-11-30T10:00:00Z");
        DeploymentLedger.deployed(visible.getRootDir().toPath().resolve(DeploymentLedger.FILE_NAME), new Deployment(4, "<script>alert(1)</script>",
                "javascript:alert(2)", "normal", Deployment.SUCCESSFUL, t, t, t, t.plusSeconds(60), null, "", "", null, null));
        DeploymentLedger.deployed(hidden.getRootDir().toPath().resolve(DeploymentLedger.FILE_NAME), new Deployment(9, "CHG0099999", "", "normal",
                Deployment.SUCCESSFUL, t, t, t, t.plusSeconds(60), null, "", "", null, null));
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy().grant(Jenkins.READ).everywhere().to("alice")
                .grant(Item.READ).onItems(shop, visible).to("alice").grant(Item.DISCOVER).onItems(vault).to("alice")
                .grant(Jenkins.ADMINISTER).everywhere().to("admin"));

        JenkinsRule.WebClient alice = web().login("alice");
        HtmlPage page = alice.goTo("servicenow-deployments/");
        String html = page.getWebResponse().getContentAsString();
        assertTrue(page.asNormalizedText().contains("1 deployments"), page.asNormalizedText());
        assertFalse(html.contains("CHG0099999") || html.contains("payments-deploy"), "a job alice may not read");
        assertFalse(html.contains("<script>alert(1)"), "a change number from outside is escaped");
        assertTrue(page.asNormalizedText().contains("<script>alert(1)</script>"), "shown as text");
        assertFalse(html.contains("href=\"javascript:"), "a link that is not one is not a link");
        assertTrue(alice.goTo("job/shop/servicenow-deployments/").asNormalizedText().contains("1 deployments"));
        assertTrue(web().login("admin").goTo("servicenow-deployments/").asNormalizedText().contains("2 deployments"));
        assertTrue(alice.goTo("servicenow-deployments/?folder=vault").asNormalizedText()
                .contains("There is no folder 'vault', or you may not see it."), "a folder alice may discover but not read");
        assertTrue(alice.goTo("job/shop/servicenow-deployments/?job=shop/deploy").asNormalizedText().contains("1 deployments"));
        // a folder's own api/json lists its actions: the page's data is not worked out (nor shown) there
        String folderApi = alice.goTo("job/shop/api/json?depth=1", "application/json").getWebResponse().getContentAsString();
        assertFalse(folderApi.contains("DeploymentRow") || folderApi.contains("\"deployments\""), folderApi);
        HtmlPage filtered = alice.goTo("servicenow-deployments/?job=payments-deploy");
        assertTrue(filtered.asNormalizedText().contains("No job 'payments-deploy' has deployed with a change block here, or you may not see it."));
    }
}
