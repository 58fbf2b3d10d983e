package io.jenkins.plugins.servicenowflashduty;

import static io.jenkins.plugins.casc.misc.Util.getUnclassifiedRoot;
import static io.jenkins.plugins.casc.misc.Util.toStringFromYamlFile;
import static io.jenkins.plugins.casc.misc.Util.toYamlString;
import static org.junit.Assert.assertEquals;

import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.casc.model.CNode;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import org.junit.Rule;
import org.junit.Test;

/** The YAML of the documentation reads into the configuration and exports back unchanged. */
public class CascTest {
    @Rule
    public JenkinsConfiguredWithCodeRule j = new JenkinsConfiguredWithCodeRule();

    @Test
    @ConfiguredWithCode("casc.yaml")
    public void readsAndExportsTheDocumentedShape() throws Exception {
        ServiceNowConfiguration sn = ServiceNowConfiguration.get();
        assertEquals("prod", sn.getDefaultInstance());
        assertEquals(2, sn.getInstances().size());
        ServiceNowInstance prod = sn.getInstances().get(0);
        assertEquals("https://acme.service-now.com", prod.getUrl());
        assertEquals("sn-prod", prod.getCredentialsId());
        assertEquals("sn-oauth", prod.getOauthCredentialsId());
        assertEquals("Release Management", prod.getAssignmentGroup());
        assertEquals("team/.*", prod.getAllowedJobs());
        assertEquals(java.util.List.of("incident", "change_request"), prod.queryableTables());
        assertEquals(ServiceNowInstance.DEFAULT_QUERY_TABLES, sn.getInstances().get(1).queryableTables());
        assertEquals(true, sn.getIncidentOnFailure().isLogExcerpt());
        assertEquals("team/.*", FlashdutyConfiguration.get().getAllowedJobs());
        assertEquals(true, sn.getInstances().get(1).isAllowPlainHttp());
        assertEquals("fd-key", FlashdutyConfiguration.get().getIntegrationKeyCredentialsId());

        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        CNode serviceNow = getUnclassifiedRoot(context).get("serviceNow");
        assertEquals(toStringFromYamlFile(this, "casc-serviceNow-export.yaml"), toYamlString(serviceNow));
        CNode flashduty = getUnclassifiedRoot(context).get("flashduty");
        assertEquals(toStringFromYamlFile(this, "casc-flashduty-export.yaml"), toYamlString(flashduty));
    }
}
