package io.jenkins.plugins.servicenowflashduty.buildpage;

import hudson.init.Terminator;
import hudson.model.Run;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;

/**
 * Saves a build's ticket record off the path of the step that made it, and once for many records: a save rewrites
 * the whole {@code build.xml}, and a thousand builds resuming together made five each, some on the thread that hands
 * out approvals. A ticket a build newly touched is saved within {@link #NEW_TICKET_MILLIS}, with whatever else the
 * build recorded meanwhile (a build that raises an incident a step rewrote its {@code build.xml}, growing, at each
 * one); later news of a ticket (its state, an approval) within {@link #COALESCE_MILLIS}. Saves run on Jenkins's
 * shared {@link Timer}, not on the plugin's pool, which resumes waiting builds. What a resumed step needs is not
 * here: Pipeline saves the step's own state, and the deliveries queue its files; what is pending is saved when the
 * controller stops. A crash loses at most the last second's records of the build page, never a ticket: an incident
 * is found again by its correlation ID, and a resumed change step finds its change by its own.
 */
public final class BuildSaves {
    private static final Logger LOG = Logger.getLogger(BuildSaves.class.getName());
    static final long COALESCE_MILLIS = 5000;
    static final long NEW_TICKET_MILLIS = 1000;
    /** Builds with a save to come, and when it is due ({@link System#nanoTime()}). */
    private static final Map<Run<?, ?>, Long> PENDING = new ConcurrentHashMap<>();

    private BuildSaves() {
    }

    /** Saves the build within {@link #NEW_TICKET_MILLIS}, off the caller's thread, with what else is recorded meanwhile. */
    static void shortly(Run<?, ?> run) {
        schedule(run, NEW_TICKET_MILLIS);
    }

    /** Saves the build within {@link #COALESCE_MILLIS}, with whatever else was recorded meanwhile. */
    static void soon(Run<?, ?> run) {
        schedule(run, COALESCE_MILLIS);
    }

    private static void schedule(Run<?, ?> run, long delayMillis) {
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        boolean[] sooner = new boolean[1];
        PENDING.compute(run, (r, was) -> {
            sooner[0] = was == null || due - was < 0; // a new ticket does not wait for news of another to be saved
            return sooner[0] ? Long.valueOf(due) : was;
        });
        if (sooner[0]) {
            try {
                Timer.get().schedule(() -> saveIfPending(run), delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                saveIfPending(run); // the controller is stopping
            }
        }
    }

    private static void saveIfPending(Run<?, ?> run) {
        if (PENDING.remove(run) != null) {
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
        for (Run<?, ?> run : List.copyOf(PENDING.keySet())) {
            saveIfPending(run);
        }
    }
}
