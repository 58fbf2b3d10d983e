package io.jenkins.plugins.servicenowflashduty.change;

import hudson.model.Run;
import hudson.model.User;
import hudson.scm.ChangeLogSet;
import hudson.tasks.Fingerprinter;
import io.jenkins.plugins.servicenowflashduty.client.change.Evidence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.scm.RunWithSCM;
import org.jenkinsci.plugins.workflow.actions.WorkspaceAction;
import org.jenkinsci.plugins.workflow.flow.FlowExecution;
import org.jenkinsci.plugins.workflow.graph.FlowNode;
import org.jenkinsci.plugins.workflow.graphanalysis.DepthFirstScanner;

/**
 * Gathers a deployment's evidence from the build: its SCM change sets, the test report (JUnit, where installed),
 * archived artifacts and their fingerprints, and the agents the change block's {@code node} steps used. Each part is
 * read through public Jenkins APIs and left empty when the build has none of it.
 */
final class DeployEvidence {
    private static final Logger LOG = Logger.getLogger(DeployEvidence.class.getName());
    private static final int MAX_ITEMS = 1000;

    private DeployEvidence() {
    }

    /**
     * @param block the change block's start node, whose {@code node} steps name the agents; null: the build's agents
     * @param deployment how long the block ran, or null when not known (after a restart)
     */
    static Evidence of(Run<?, ?> run, String build, String buildUrl, String result, Duration deployment, FlowNode block) {
        return new Evidence(build, buildUrl, result, deployment, agents(block), commits(run), tests(run), artifacts(run));
    }

    private static List<Evidence.Commit> commits(Run<?, ?> run) {
        List<Evidence.Commit> out = new ArrayList<>();
        if (!(run instanceof RunWithSCM<?, ?> scm)) {
            return out;
        }
        for (ChangeLogSet<? extends ChangeLogSet.Entry> set : scm.getChangeSets()) {
            for (ChangeLogSet.Entry e : set) {
                if (out.size() == MAX_ITEMS) {
                    return out;
                }
                User author = e.getAuthor();
                long at = e.getTimestamp();
                out.add(new Evidence.Commit(e.getCommitId() == null ? "" : e.getCommitId(), author == null ? "" : author.getFullName(),
                        e.getMsg(), at > 0 ? Instant.ofEpochMilli(at) : null));
            }
        }
        return out;
    }

    private static Evidence.Tests tests(Run<?, ?> run) {
        try {
            return JUnitCounts.of(run);
        } catch (LinkageError e) {
            return null; // a JUnit plugin of another shape: the evidence goes without test counts
        }
    }

    private static List<Evidence.Artifact> artifacts(Run<?, ?> run) {
        Fingerprinter.FingerprintAction prints = run.getAction(Fingerprinter.FingerprintAction.class);
        Map<String, String> md5s = prints == null ? Map.of() : prints.getRecords();
        List<Evidence.Artifact> out = new ArrayList<>();
        for (Run<?, ?>.Artifact a : run.getArtifactsUpTo(MAX_ITEMS)) {
            String md5 = md5s.getOrDefault(a.relativePath, md5s.getOrDefault(a.getFileName(), ""));
            out.add(new Evidence.Artifact(a.relativePath, a.getFileSize(), md5));
        }
        return out;
    }

    /** The agents of the {@code node} steps inside the block ("built-in" for the controller). */
    private static List<String> agents(FlowNode block) {
        TreeSet<String> names = new TreeSet<>();
        if (block == null) {
            return List.of();
        }
        try {
            FlowExecution execution = block.getExecution();
            for (FlowNode n : new DepthFirstScanner().allNodes(execution.getCurrentHeads())) {
                WorkspaceAction ws = n.getPersistentAction(WorkspaceAction.class);
                if (ws != null && n.getEnclosingBlocks().contains(block)) {
                    names.add(ws.getNode().isEmpty() ? "built-in" : ws.getNode());
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not read the agents of a deployment", e);
        }
        return List.copyOf(names);
    }
}
