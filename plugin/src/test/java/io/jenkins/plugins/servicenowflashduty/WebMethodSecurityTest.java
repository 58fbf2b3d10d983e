package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hudson.model.Item;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.net.URL;
import java.util.List;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.Page;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** Every web method refuses GET, and refuses (or answers nothing to) users without the permission it needs. */
@WithJenkins
class WebMethodSecurityTest {
    private static final String INSTANCE = "descriptorByName/io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance/";
    private static final String FLASHDUTY = "descriptorByName/io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration/";
    private static final String SERVICENOW = "descriptorByName/io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration/";
    /** Methods with effects or secrets behind them: a non-admin gets 403. */
    private static final List<String> ADMIN_ONLY = List.of(
            INSTANCE + "checkName?value=prod", INSTANCE + "checkUrl?value=https://x.service-now.com",
            INSTANCE + "checkCredentialsId?value=sn", INSTANCE + "testConnection?url=http://127.0.0.1:9&credentialsId=sn&allowPlainHttp=true",
            FLASHDUTY + "checkBaseUrl?value=https://api.flashcat.cloud", FLASHDUTY + "sendTestAlert?baseUrl=http://127.0.0.1:9&integrationKeyCredentialsId=fd",
            SERVICENOW + "checkDefaultInstance?value=prod", INSTANCE + "checkAllowedJobs?value=team/.*", FLASHDUTY + "checkAllowedJobs?value=team/.*",
            "descriptorByName/io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure/checkIncludes?value=team/.*",
            "descriptorByName/io.jenkins.plugins.servicenowflashduty.automation.AlertOnFailure/checkExcludes?value=team/.*");
    /** List fillers: a user without the permission gets an empty (or current-value-only) list. */
    private static final List<String> FILLERS = List.of(INSTANCE + "fillCredentialsIdItems", INSTANCE + "fillOauthCredentialsIdItems",
            FLASHDUTY + "fillIntegrationKeyCredentialsIdItems", SERVICENOW + "fillDefaultInstanceItems");

    /** The folder property's drop-downs: only for those who may configure the folder. */
    private static final List<String> FOLDER_FILLERS = List.of(
            "descriptorByName/io.jenkins.plugins.servicenowflashduty.config.FolderCredentials$Binding/fillInstanceItems",
            "descriptorByName/io.jenkins.plugins.servicenowflashduty.config.FolderCredentials$Binding/fillCredentialsIdItems");

    /** The snippet generator's fixed choices: only for those who may configure the job. */
    private static final List<String> STEP_FILLERS = List.of(
            "descriptorByName/io.jenkins.plugins.servicenowflashduty.incident.IncidentStep/fillActionItems",
            "descriptorByName/io.jenkins.plugins.servicenowflashduty.change.CreateChangeStep/fillTypeItems",
            "descriptorByName/io.jenkins.plugins.servicenowflashduty.flashduty.FlashdutyNotifyStep/fillStatusItems");

    @Test
    void getIsRefusedEverywhere(JenkinsRule j) throws Exception {
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        for (String path : concat(ADMIN_ONLY, FILLERS)) {
            assertRefusedGet(wc.goTo(path, null).getWebResponse().getStatusCode(), path);
        }
        assertRefusedGet(wc.goTo("descriptorByName/io.jenkins.plugins.servicenowflashduty.incident.IncidentStep/fillInstanceItems", null)
                .getWebResponse().getStatusCode(), "fillInstanceItems");
        for (String filler : STEP_FILLERS) {
            assertRefusedGet(wc.goTo(filler, null).getWebResponse().getStatusCode(), filler);
        }
    }

    @Test
    void nonAdminsAreRefusedOrSeeNothing(JenkinsRule j) throws Exception {
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.ADMINISTER).everywhere().to("admin")
                .grant(Jenkins.READ, Item.READ).everywhere().to("reader"));
        try (Simulator sim = Simulator.start()) {
            Sandbox.configure(sim);
            WorkflowJob job = j.createProject(WorkflowJob.class, "x");
            JenkinsRule.WebClient reader = j.createWebClient().withThrowExceptionOnFailingStatusCode(false).login("reader");
            for (String path : ADMIN_ONLY) {
                assertEquals(403, post(j, reader, path).getWebResponse().getStatusCode(), "POST " + path);
            }
            for (String path : FILLERS) {
                Page page = post(j, reader, path);
                assertEquals(200, page.getWebResponse().getStatusCode(), path);
                String body = page.getWebResponse().getContentAsString();
                assertEquals(false, body.contains("\"sn\"") || body.contains("\"fd\"") || body.contains("sandbox"), path + " " + body);
            }
            Page instances = post(j, reader, "job/x/descriptorByName/io.jenkins.plugins.servicenowflashduty.incident.IncidentStep/fillInstanceItems");
            assertEquals(false, instances.getWebResponse().getContentAsString().contains("sandbox"));
            for (String filler : STEP_FILLERS) {
                String body = post(j, reader, "job/x/" + filler).getWebResponse().getContentAsString();
                assertEquals(true, body.contains("\"values\":[]"), filler + " to a reader: " + body);
            }
            // a folder's own credentials: only for those who may configure the folder
            com.cloudbees.hudson.plugins.folder.Folder team = j.createProject(com.cloudbees.hudson.plugins.folder.Folder.class, "team");
            for (String filler : FOLDER_FILLERS) {
                assertRefusedGet(reader.goTo("job/team/" + filler, null).getWebResponse().getStatusCode(), filler);
                String body = post(j, reader, "job/team/" + filler).getWebResponse().getContentAsString();
                assertEquals(false, body.contains("sandbox") || body.contains("\"sn\""), filler + " to a reader: " + body);
            }
            JenkinsRule.WebClient admin = j.createWebClient().login("admin");
            assertEquals(true, post(j, admin, INSTANCE + "fillCredentialsIdItems").getWebResponse().getContentAsString().contains("\"sn\""));
            assertEquals(true, post(j, admin, "job/x/descriptorByName/io.jenkins.plugins.servicenowflashduty.incident.IncidentStep/fillInstanceItems")
                    .getWebResponse().getContentAsString().contains("sandbox"));
            for (String filler : STEP_FILLERS) {
                String body = post(j, admin, "job/x/" + filler).getWebResponse().getContentAsString();
                assertEquals(false, body.contains("\"values\":[]"), filler + " to an admin: " + body);
            }
            assertEquals(true, post(j, admin, "job/team/" + FOLDER_FILLERS.get(0)).getWebResponse().getContentAsString().contains("sandbox"));
            assertEquals(true, post(j, admin, "job/team/" + FOLDER_FILLERS.get(1)).getWebResponse().getContentAsString().contains("\"sn\""),
                    "a Global credential is offered in the folder, as builds in it can use it");
            assertEquals(team, j.jenkins.getItem("team"));
            assertEquals(job, j.jenkins.getItem("x"));
        }
    }

    /** Stapler answers a GET to a {@code @POST} method as if the method did not exist. */
    private static void assertRefusedGet(int status, String path) {
        assertEquals(true, status == 404 || status == 405, "GET " + path + " answered " + status);
    }

    private static Page post(JenkinsRule j, JenkinsRule.WebClient wc, String path) throws Exception {
        WebRequest request = new WebRequest(new URL(j.getURL(), path), HttpMethod.POST);
        wc.addCrumb(request);
        return wc.getPage(request);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
