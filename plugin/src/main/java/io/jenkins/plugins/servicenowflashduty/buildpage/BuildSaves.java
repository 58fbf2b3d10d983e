package io.jenkins.plugins.servicenowflashduty.buildpage;

import hudson.init.Terminator;
import hudson.model.Run;
import io.jenkins.plugins.servicenowflashduty.run.PluginThreads;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Saves a build's ticket record off the path of the step that made it, and once for many records: a save rewrites
 * the whole {@code build.xml}, and a thousand builds resuming together made five each, some on the thread that hands
 * out approvals. A ticket a build newly touched is saved at once on the plugin's pool; later news of it (its state,
 * an approval) within a second. What a resumed step needs is not here: Pipeline saves the step's own state, and the
 * deliveries queue its files; what is pending is saved when the controller stops.
 */
final class BuildSaves {
    private static final Logger LOG = Logger.getLogger(BuildSaves.class.getName());
    static final long COALESCE_MILLIS = 1000;
    private static final Set<Run<?, ?>> PENDING = ConcurrentHashMap.newKeySet();

    private BuildSaves() {
    }

    /** Saves the build now, on the plugin's pool (at once if the pool has stopped). */
    static void now(Run<?, ?> run) {
        if (PENDING.add(run)) {
            submit(run);
        }
    }

    /** Saves the build within {@link #COALESCE_MILLIS}, with whatever else was recorded meanwhile. */
    static void soon(Run<?, ?> run) {
        if (PENDING.add(run)) {
            try {
                PluginThreads.scheduler().schedule(() -> submit(run), COALESCE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                saveIfPending(run); // the controller is stopping
            }
        }
    }

    private static void submit(Run<?, ?> run) {
        try {
            PluginThreads.background().execute(() -> saveIfPending(run));
        } catch (RejectedExecutionException e) {
            saveIfPending(run);
        }
    }

    private static void saveIfPending(Run<?, ?> run) {
        if (PENDING.remove(run)) {
            try {
                run.save();
            } catch (IOException e) {
                LOG.log(Level.FINE, "could not save " + run, e);
            }
        }
    }

    /** Saves what is pending, on the caller's thread: when the controller stops, and for tests. */
    @Terminator
    public static void flush() {
        for (Run<?, ?> run : List.copyOf(PENDING)) {
            saveIfPending(run);
        }
    }
}
