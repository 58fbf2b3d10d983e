package io.jenkins.plugins.servicenowflashduty.deployments;

import hudson.model.Job;
import hudson.model.Run;
import io.jenkins.plugins.servicenowflashduty.client.deployments.Deployment;
import io.jenkins.plugins.servicenowflashduty.client.deployments.DeploymentLedger;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The deployments of each job, in a file next to its builds ({@link DeploymentLedger}): written as a change block ends
 * and as the incident it caused is raised and resolved, read by the deployments page. A job's file is read again only
 * when it changed, so the page costs no build loads and one look at each deploying job's file. A write that fails
 * costs a line in Jenkins's log, never the build.
 */
public final class DeploymentRecords {
    private static final Logger LOG = Logger.getLogger(DeploymentRecords.class.getName());
    private static final Map<Path, Cached> CACHE = new ConcurrentHashMap<>();

    private DeploymentRecords() {
    }

    private record Cached(long modified, long size, SoftReference<List<Deployment>> deployments) {
    }

    static Path file(Job<?, ?> job) {
        return job.getRootDir().toPath().resolve(DeploymentLedger.FILE_NAME);
    }

    /** Whether the job has deployed with a change block (cheap: one look at a file). */
    static boolean any(Job<?, ?> job) {
        return Files.isRegularFile(file(job));
    }

    /** The job's deployments, oldest first. */
    public static List<Deployment> of(Job<?, ?> job) {
        Path file = file(job);
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            CACHE.remove(file);
            return List.of();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Cannot read the deployments of " + job.getFullName(), e);
            return List.of();
        }
        long modified = attributes.lastModifiedTime().toMillis();
        Cached c = CACHE.get(file);
        List<Deployment> known = c == null || c.modified() != modified || c.size() != attributes.size() ? null : c.deployments().get();
        if (known != null) {
            return known;
        }
        List<Deployment> read;
        try {
            synchronized (lock(file)) {
                read = List.copyOf(DeploymentLedger.read(file));
            }
        } catch (UncheckedIOException e) {
            LOG.log(Level.WARNING, "Cannot read the deployments of " + job.getFullName(), e);
            return List.of();
        }
        CACHE.put(file, new Cached(modified, attributes.size(), new SoftReference<>(read)));
        return read;
    }

    /** Records a deployment that ended (or was refused) in this build. */
    public static void deployed(Run<?, ?> run, Deployment deployment) {
        write(run, file -> DeploymentLedger.deployed(file, deployment));
    }

    /**
     * What an incident raised or resolved for this build means for the job's deployments: a new incident caused by a
     * change the job deployed is that deployment's incident; a resolved one that was ends its time to restore.
     */
    public static void incident(Run<?, ?> run, IncidentOutcome outcome) {
        try {
            recordIncident(run, outcome);
        } catch (RuntimeException e) { // the incident exists: what the page makes of it must not fail its step or its delivery
            LOG.log(Level.WARNING, "Cannot record incident " + outcome.number() + " of " + run.getFullDisplayName(), e);
        }
    }

    private static void recordIncident(Run<?, ?> run, IncidentOutcome outcome) {
        if (outcome.action() == IncidentOutcome.Action.CREATED && !outcome.causedBy().isEmpty()) {
            Instant now = Instant.now();
            if (of(run.getParent()).stream().anyMatch(d -> d.change().equals(outcome.causedBy()))) {
                write(run, file -> DeploymentLedger.incident(file, outcome.causedBy(), outcome.number(), outcome.url(), now));
            }
        } else if (outcome.action() == IncidentOutcome.Action.RESOLVED && DeploymentLedger.hasIncident(of(run.getParent()), outcome.number())) {
            Instant now = Instant.now();
            write(run, file -> DeploymentLedger.restored(file, outcome.number(), now));
        }
    }

    private interface Write {
        void to(Path file);
    }

    private static void write(Run<?, ?> run, Write write) {
        Path file = file(run.getParent());
        try {
            synchronized (lock(file)) {
                write.to(file);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot record a deployment of " + run.getFullDisplayName(), e);
        }
    }

    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private static Object lock(Path file) {
        return LOCKS.computeIfAbsent(file, f -> new Object());
    }
}
