package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.config.ConfigurationException;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.util.List;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The global configuration page: what an admin saves is what steps use, and what is wrong is refused. */
@WithJenkins
class ConfigurationTest {

    @Test
    void aSavedFormKeepsEverySetting(JenkinsRule j) throws Exception {
        ServiceNowInstance prod = new ServiceNowInstance("prod", "https://acme.service-now.com", "sn-prod");
        prod.setOauthCredentialsId("sn-oauth");
        prod.setAssignmentGroup("Release Management");
        prod.setCaller("jenkins");
        prod.setCategory("Software");
        prod.setConfigurationItem("web-frontend");
        prod.setAllowedJobs("team/.*\nops/.*");
        prod.setQueryTables("incident, change_request");
        ServiceNowInstance sandbox = new ServiceNowInstance("sandbox", "http://127.0.0.1:8089", "sn-sandbox");
        sandbox.setAllowPlainHttp(true);
        ServiceNowConfiguration.get().setInstances(List.of(prod, sandbox));
        ServiceNowConfiguration.get().setDefaultInstance("prod");
        io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure rule = new io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure();
        rule.setInstance("prod");
        rule.setIncludes("team/.*\nops/.*");
        rule.setExcludes("team/sandbox-.*");
        rule.setAborted(true);
        rule.setAssignmentGroup("Service Desk");
        rule.setLogExcerpt(true);
        ServiceNowConfiguration.get().setIncidentOnFailure(rule);
        FlashdutyConfiguration.get().setBaseUrl("https://flashduty.internal.example.com");
        FlashdutyConfiguration.get().setIntegrationKeyCredentialsId("fd-key");
        FlashdutyConfiguration.get().setAllowedJobs("team/.*");

        j.configRoundtrip();

        List<ServiceNowInstance> after = ServiceNowConfiguration.get().getInstances();
        assertEquals(2, after.size());
        j.assertEqualDataBoundBeans(prod, after.get(0));
        j.assertEqualDataBoundBeans(sandbox, after.get(1));
        assertEquals("prod", ServiceNowConfiguration.get().getDefaultInstance());
        j.assertEqualDataBoundBeans(rule, ServiceNowConfiguration.get().getIncidentOnFailure());
        assertEquals("https://flashduty.internal.example.com", FlashdutyConfiguration.get().getBaseUrl());
        assertEquals("fd-key", FlashdutyConfiguration.get().getIntegrationKeyCredentialsId());
        assertEquals("team/.*", FlashdutyConfiguration.get().getAllowedJobs());
    }

    @Test
    void twoInstancesOfOneNameAreRefusedAndNothingChanges(JenkinsRule j) throws Exception {
        ServiceNowConfiguration.get().setInstances(List.of(new ServiceNowInstance("prod", "https://a.service-now.com", "x"),
                new ServiceNowInstance("prod2", "https://b.service-now.com", "y")));
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        HtmlForm form = wc.goTo("configure").getFormByName("config");
        List<org.htmlunit.html.HtmlInput> names = form.getInputsByName("_.name").stream()
                .filter(i -> "prod2".equals(i.getValue())).toList();
        assertEquals(1, names.size());
        names.get(0).setValue("prod");
        List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        hudson.ExtensionList.lookup(hudson.model.listeners.SaveableListener.class).add(new hudson.model.listeners.SaveableListener() {
            @Override
            public void onChange(hudson.model.Saveable o, hudson.XmlFile file) {
                if (o instanceof ServiceNowConfiguration) {
                    written.add(file.getFile().getName());
                }
            }
        });
        HtmlPage answer = j.submit(form);
        assertTrue(answer.getWebResponse().getContentAsString().contains("Two ServiceNow instances are named"),
                answer.getWebResponse().getContentAsString());
        assertEquals(List.of("prod", "prod2"), ServiceNowConfiguration.get().getInstances().stream().map(ServiceNowInstance::getName).toList());
        assertEquals(List.of(), written, "a refused form is never written to disk, not even for a moment");

        // Configuration as Code sets the list through the setter: the same check, nothing changes
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ServiceNowConfiguration.get().setInstances(List.of(new ServiceNowInstance("prod", "https://a.service-now.com", "x"),
                        new ServiceNowInstance("prod", "https://c.service-now.com", "z"))));
        assertEquals("Two ServiceNow instances are named 'prod'; give each a name of its own.", refused.getMessage());
        assertEquals(List.of("prod", "prod2"), ServiceNowConfiguration.get().getInstances().stream().map(ServiceNowInstance::getName).toList());
    }

    @Test
    void stepsFindInstancesByNameOrByDefault(JenkinsRule j) throws Exception {
        ServiceNowConfiguration config = ServiceNowConfiguration.get();
        ConfigurationException none = assertThrows(ConfigurationException.class, () -> config.instance(null));
        assertTrue(none.getMessage().startsWith("No ServiceNow instance is configured"), none.getMessage());
        config.setInstances(List.of(new ServiceNowInstance("only", "https://a.service-now.com", "x")));
        assertEquals("only", config.instance(null).getName());
        assertEquals("only", config.instance(" ").getName());
        assertEquals("No ServiceNow instance is named 'other'; configured: only.",
                assertThrows(ConfigurationException.class, () -> config.instance("other")).getMessage());
    }

    @Test
    void theTestButtonReportsWhoSignedIn(JenkinsRule j) throws Exception {
        try (Simulator sim = Simulator.start()) {
            Sandbox.configure(sim);
            ServiceNowInstance.DescriptorImpl d = j.jenkins.getDescriptorByType(ServiceNowInstance.DescriptorImpl.class);
            String ok = d.doTestConnection("prod", sim.baseUrl(), "sn", null, true).renderHtml();
            assertTrue(ok.contains("Connected to 127.0.0.1 as jenkins"), ok);
            assertTrue(ok.contains("It has the roles incidents and changes need."), ok);
            String plain = d.doTestConnection("prod", sim.baseUrl(), "sn", null, false).renderHtml();
            assertTrue(plain.contains("The URL must use https://"), plain);
            // the sentence names the instance being edited and says where the credential was looked for
            String missing = d.doTestConnection("prod", sim.baseUrl(), "no-such-id", null, true).renderHtml();
            assertTrue(missing.contains("The credential &#039;no-such-id&#039; of ServiceNow instance &#039;prod&#039; is not among the credentials stored in Jenkins itself (System or Global scope)"),
                    missing);
            String sent = FlashdutyConfiguration.get().doSendTestAlert(sim.baseUrl(), "fd", true).renderHtml();
            assertTrue(sent.contains("Flashduty accepted the test alert"), sent);
            assertEquals(1, sim.flashduty().alerts().size());
            assertTrue(sim.flashduty().alerts().get(0).recovered());
        }
    }
}
