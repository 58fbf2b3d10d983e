package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.hudson.plugins.folder.Folder;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.CredentialsStore;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.model.Fingerprint;
import hudson.model.Result;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.FolderCredentials;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * One credential model: the admin's binding is looked up as the configuration page lists it (System scope allowed)
 * by builds and the test button alike, tracked on the build and out of reach of {@code withCredentials}; an instance
 * may be restricted to some jobs; a folder may bring its own account, looked up in the build's context.
 */
@WithJenkins
class CredentialSecurityTest {
    private static final String INSTANCE = "descriptorByName/io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance/";
    private JenkinsRule j;
    private Simulator sim;

    @BeforeEach
    void setUp(JenkinsRule rule) throws Exception {
        j = rule;
        sim = Simulator.start();
        Sandbox.configure(sim);
        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy().grant(Jenkins.ADMINISTER).everywhere().to("admin"));
    }

    @AfterEach
    void tearDown() {
        sim.close();
    }

    private WorkflowJob job(Folder folder, String name, String script) throws Exception {
        WorkflowJob p = folder == null ? j.createProject(WorkflowJob.class, name) : folder.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script, true));
        return p;
    }

    private static ServiceNowInstance instance(String credentialsId) {
        ServiceNowInstance i = new ServiceNowInstance("sandbox", ServiceNowConfiguration.get().getInstances().get(0).getUrl(), credentialsId);
        i.setAllowPlainHttp(true);
        return i;
    }

    private UsernamePasswordCredentialsImpl systemCredential(String id) throws Exception {
        UsernamePasswordCredentialsImpl c = new UsernamePasswordCredentialsImpl(CredentialsScope.SYSTEM, id, "integration user",
                ServiceNowSimulator.INTEGRATION_USER, ServiceNowSimulator.INTEGRATION_PASSWORD);
        SystemCredentialsProvider.getInstance().getCredentials().add(c);
        SystemCredentialsProvider.getInstance().save();
        return c;
    }

    @Test
    void aSystemCredentialPassesTestConnectionWorksInBuildsIsTrackedAndWithCredentialsCannotBindIt() throws Exception {
        UsernamePasswordCredentialsImpl c = systemCredential("sn-system");
        ServiceNowConfiguration.get().setInstances(List.of(instance("sn-system")));

        JenkinsRule.WebClient admin = j.createWebClient().login("admin");
        WebRequest test = new WebRequest(new URL(j.getURL(), INSTANCE + "testConnection?name=sandbox&url="
                + URLEncoder.encode(sim.baseUrl(), StandardCharsets.UTF_8) + "&credentialsId=sn-system&allowPlainHttp=true"), HttpMethod.POST);
        admin.addCrumb(test);
        String answer = admin.getPage(test).getWebResponse().getContentAsString();
        assertTrue(answer.contains("Connected to"), answer);

        WorkflowRun deploy = j.buildAndAssertSuccess(job(null, "deploy", "serviceNowIncident(shortDescription: 'smoke tests failed')"));
        assertEquals(1, sim.serviceNow().records("incident").size());
        Fingerprint used = CredentialsProvider.getFingerprintOf(c);
        assertNotNull(used, "the credential's use is tracked");
        assertTrue(used.getJobs().contains("deploy"), "tracked on the build: " + used.getJobs());
        j.assertLogNotContains(ServiceNowSimulator.INTEGRATION_PASSWORD + "\n", deploy);

        WorkflowRun steal = j.buildAndAssertStatus(Result.FAILURE, job(null, "steal", """
                withCredentials([usernamePassword(credentialsId: 'sn-system', usernameVariable: 'U', passwordVariable: 'P')]) {
                  echo "got ${P.length()} characters"
                }"""));
        j.assertLogContains("sn-system", steal);
        j.assertLogNotContains("got ", steal);
    }

    @Test
    void aJobOutsideTheInstanceOrFlashdutyAllowedJobsIsRefusedWithOneSentenceAndNothingIsSent() throws Exception {
        ServiceNowInstance restricted = instance("sn");
        restricted.setAllowedJobs("team-a/.*");
        ServiceNowConfiguration.get().setInstances(List.of(restricted));
        FlashdutyConfiguration.get().setAllowedJobs("team-a/.*");
        sim.requests().clear();

        WorkflowRun outside = j.buildAndAssertStatus(Result.FAILURE, job(null, "other", "serviceNowIncident(shortDescription: 'x')"));
        j.assertLogContains("The ServiceNow instance 'sandbox' may not be used by the job 'other'; an administrator lists the jobs"
                + " that may use it under Manage Jenkins » System » ServiceNow.", outside);
        j.assertLogNotContains("\tat ", outside);
        WorkflowRun alert = j.buildAndAssertStatus(Result.FAILURE, job(null, "other-alert", "flashdutyNotify status: 'Critical'"));
        j.assertLogContains("Flashduty may not be used by the job 'other-alert'", alert);
        WorkflowRun queued = j.buildAndAssertStatus(Result.FAILURE, job(null, "other-durable", "serviceNowIncident(durable: true)"));
        j.assertLogContains("may not be used by the job 'other-durable'", queued);
        assertTrue(sim.requests().all().isEmpty(), "nothing was sent: " + sim.requests().all());

        Folder teamA = j.createProject(Folder.class, "team-a");
        j.buildAndAssertSuccess(job(teamA, "deploy", "serviceNowIncident(shortDescription: 'x'); flashdutyNotify status: 'Info'"));
        assertEquals(1, sim.serviceNow().records("incident").size());
    }

    @Test
    void aFolderBringsItsOwnAccountLookedUpInTheBuildsContextNeverASystemOne() throws Exception {
        Folder team = j.createProject(Folder.class, "team-b");
        CredentialsStore folderStore = null;
        for (CredentialsStore s : CredentialsProvider.lookupStores(team)) {
            if (s.getContext() == team) {
                folderStore = s;
            }
        }
        assertNotNull(folderStore, "the folder has a credentials store");
        folderStore.addCredentials(Domain.global(), new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "team-b-sn", "team account",
                ServiceNowSimulator.ADMIN_USER, ServiceNowSimulator.ADMIN_PASSWORD));
        team.getProperties().add(new FolderCredentials(List.of(new FolderCredentials.Binding("sandbox", "team-b-sn"))));

        // the folder's form carries the binding (a round trip through the configuration page, as an admin)
        j.submit(j.createWebClient().login("admin").getPage(team, "configure").getFormByName("config"));
        assertEquals(List.of("sandbox=team-b-sn"), team.getProperties().get(FolderCredentials.class).getBindings().stream()
                .map(b -> b.getInstance() + "=" + b.getCredentialsId()).toList());
        j.buildAndAssertSuccess(job(team, "deploy", "serviceNowIncident(shortDescription: 'by the team')"));
        j.buildAndAssertSuccess(job(null, "central", "serviceNowIncident(shortDescription: 'by the admin binding', correlationId: 'central')"));
        Map<String, String> byTeam = sim.serviceNow().records("incident").stream()
                .filter(r -> r.get("short_description").equals("by the team")).findFirst().orElseThrow();
        Map<String, String> central = sim.serviceNow().records("incident").stream()
                .filter(r -> r.get("short_description").equals("by the admin binding")).findFirst().orElseThrow();
        assertEquals(ServiceNowSimulator.ADMIN_USER, byTeam.get("sys_created_by"), "the folder's account signed in");
        assertEquals(ServiceNowSimulator.INTEGRATION_USER, central.get("sys_created_by"), "the admin's binding signed in");

        // a folder binding names a credential in the build's context: a System one is out of its reach
        systemCredential("root-system");
        Folder other = j.createProject(Folder.class, "team-c");
        other.getProperties().add(new FolderCredentials(List.of(new FolderCredentials.Binding("sandbox", "root-system"))));
        WorkflowRun refused = j.buildAndAssertStatus(Result.FAILURE, job(other, "deploy", "serviceNowIncident()"));
        j.assertLogContains("The credential 'root-system' of ServiceNow instance 'sandbox' was not found, or this job may not use it.", refused);
        StandardCredentials none = CredentialsProvider.findCredentialById("root-system", StandardCredentials.class, refused);
        assertEquals(null, none);
    }
}
