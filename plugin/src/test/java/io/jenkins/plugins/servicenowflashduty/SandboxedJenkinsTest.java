package io.jenkins.plugins.servicenowflashduty;

import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * A Jenkins configured for the sandbox (instance {@code sandbox}, Flashduty), whose changes are approved at the first
 * poll. A subclass's own {@code @BeforeEach} runs after this one, so it can change what it needs.
 */
@WithJenkins
abstract class SandboxedJenkinsTest {
    protected JenkinsRule j;
    protected Simulator sim;

    @BeforeEach
    void startSandbox(JenkinsRule rule) throws Exception {
        j = rule;
        sim = Simulator.start();
        sim.serviceNow().setApprovalPolicy(ApprovalPolicy.approveAfterPolls(1));
        Sandbox.configure(sim);
    }

    @AfterEach
    void stopSandbox() {
        sim.close();
    }
}
