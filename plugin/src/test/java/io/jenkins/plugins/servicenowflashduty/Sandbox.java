package io.jenkins.plugins.servicenowflashduty;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.util.Secret;
import io.jenkins.plugins.servicenowflashduty.config.FlashdutyConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import java.util.List;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;

/** Points a test Jenkins at a simulator: credentials, one ServiceNow instance named "sandbox", Flashduty. */
final class Sandbox {
    private Sandbox() {
    }

    static void configure(Simulator sim) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(
                new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, "sn", "sandbox", "jenkins", "jenkins"));
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL, "fd", "sandbox",
                Secret.fromString(FlashdutySimulator.INTEGRATION_KEY)));
        SystemCredentialsProvider.getInstance().save();
        ServiceNowInstance instance = new ServiceNowInstance("sandbox", sim.baseUrl(), "sn");
        instance.setAllowPlainHttp(true);
        instance.setAssignmentGroup("Change Management");
        ServiceNowConfiguration.get().setInstances(List.of(instance));
        FlashdutyConfiguration fd = FlashdutyConfiguration.get();
        fd.setBaseUrl(sim.baseUrl());
        fd.setAllowPlainHttp(true);
        fd.setIntegrationKeyCredentialsId("fd");
    }
}
