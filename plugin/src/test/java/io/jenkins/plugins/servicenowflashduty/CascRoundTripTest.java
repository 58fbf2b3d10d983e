package io.jenkins.plugins.servicenowflashduty;

import static io.jenkins.plugins.casc.misc.Util.getUnclassifiedRoot;
import static io.jenkins.plugins.casc.misc.Util.toYamlString;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;

import io.jenkins.plugins.casc.ConfigurationAsCode;
import io.jenkins.plugins.casc.ConfigurationContext;
import io.jenkins.plugins.casc.ConfiguratorRegistry;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsSessionRule;

/**
 * Every setting of the plugin survives a JCasC round trip: the documented YAML is applied, exported, and the
 * export is applied to a controller that has no configuration of the plugin, which then exports the same.
 */
public class CascRoundTripTest {
    @Rule
    public JenkinsSessionRule sessions = new JenkinsSessionRule();

    @Test
    public void anExportImportedIntoAControllerWithoutThePluginsConfigurationGivesTheSameConfiguration() throws Throwable {
        AtomicReference<String> exported = new AtomicReference<>();
        sessions.then(j -> {
            ConfigurationAsCode.get().configure(CascRoundTripTest.class.getResource("casc.yaml").toExternalForm());
            exported.set(export());
        });
        // what makes this controller a fresh one for the plugin: no stored configuration of it at all
        for (String stored : new String[] {ServiceNowConfiguration.class.getName(), FlashdutyConfiguration.class.getName()}) {
            Files.delete(sessions.getHome().toPath().resolve(stored + ".xml"));
        }
        sessions.then(j -> {
            assertNull(ServiceNowConfiguration.get().getIncidentOnFailure());
            assertEquals(0, ServiceNowConfiguration.get().getInstances().size());
            assertNull(FlashdutyConfiguration.get().getIntegrationKeyCredentialsId());
            Path yaml = new File(j.jenkins.getRootDir(), "exported.yaml").toPath();
            Files.writeString(yaml, exported.get());
            ConfigurationAsCode.get().configure(yaml.toString());
            assertEquals(exported.get(), export());
            assertEquals("team/sandbox-.*", ServiceNowConfiguration.get().getIncidentOnFailure().getExcludes());
            assertEquals("team=web", FlashdutyConfiguration.get().getAlertOnFailure().getLabels());
        });
    }

    /** The plugin's two sections of the controller's export, as a YAML document that can be applied. */
    private static String export() throws Exception {
        ConfigurationContext context = new ConfigurationContext(ConfiguratorRegistry.get());
        return "unclassified:\n  serviceNow:\n" + indent(toYamlString(getUnclassifiedRoot(context).get("serviceNow")))
                + "  flashduty:\n" + indent(toYamlString(getUnclassifiedRoot(context).get("flashduty")));
    }

    private static String indent(String yaml) {
        StringBuilder out = new StringBuilder();
        for (String line : yaml.split("\n")) {
            if (!line.isBlank() && !line.equals("---")) {
                out.append("    ").append(line).append('\n');
            }
        }
        return out.toString();
    }
}
