package io.jenkins.plugins.servicenowflashduty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** A closed change carries its deployment's evidence: tests, artifacts with fingerprints, agents, times, the build link. */
@WithJenkins
class EvidenceTest extends SandboxedJenkinsTest {
    @Test
    void theClosedChangeCarriesTestsArtifactsAgentsAndTimes() throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, "deploy-app");
        p.setDefinition(new CpsFlowDefinition("""
                serviceNowCreateChange(shortDescription: 'Deploy with evidence') {
                  node {
                    writeFile file: 'app.jar', text: 'binary'
                    writeFile file: 'results.xml', text: '<testsuite name="s" tests="3" failures="0" skipped="1"><testcase name="a"/><testcase name="b"/><testcase name="c"><skipped/></testcase></testsuite>'
                    archiveArtifacts artifacts: 'app.jar', fingerprint: true
                    junit 'results.xml'
                  }
                }
                """, true));
        WorkflowRun r = j.assertBuildStatusSuccess(p.scheduleBuild2(0));
        Map<String, String> c = sim.serviceNow().records("change_request").get(0);
        j.assertLogContains("recorded the deployment's evidence on change " + c.get("number") + ": 0 commits, 1 artifacts, 3 tests", r);
        List<String> notes = sim.serviceNow().journal("change_request", c.get("sys_id"), "work_notes");
        String evidence = notes.stream().filter(n -> n.startsWith("Deployment evidence")).findFirst().orElseThrow(() -> new AssertionError(notes));
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest("binary".getBytes(StandardCharsets.UTF_8)));
        assertTrue(evidence.contains("Result: successful\n"), evidence);
        assertTrue(evidence.contains("Agents: built-in\n"), evidence);
        assertTrue(evidence.contains("Tests: 2 passed, 0 failed, 1 skipped (3 in all)\n"), evidence);
        assertTrue(evidence.contains("  app.jar (6 B) md5 " + md5), evidence);
        assertTrue(evidence.endsWith("Build: " + j.getURL() + r.getUrl()), evidence);
        assertTrue(!c.get("work_start").isEmpty() && c.get("work_start").compareTo(c.get("work_end")) <= 0, c.get("work_start") + " " + c.get("work_end"));
        assertEquals("3", c.get("state"));
    }
}
