package io.jenkins.plugins.servicenowflashduty.change;

import hudson.model.Run;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Which change a build's incident is caused by: the change this build deployed (or opened), else the change of the
 * job's last deployment if it ended within the window. Read from the plugin's own records on the builds.
 */
public final class DeployChanges {
    /** How far back a failure is put down to the job's last deployment, unless a step says otherwise. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    /** How many earlier builds are looked at, at most: a job that has not deployed for that long has no recent deploy. */
    private static final int MAX_BUILDS = 100;

    private DeployChanges() {
    }

    /**
     * Each job's last deployment in this run of the controller: filled by a deployment's close, or by one look back
     * over the job's builds (at most {@value #MAX_BUILDS}) the first time it is asked for, so an incident step does not
     * load earlier builds each time.
     */
    private static final Map<String, Optional<Deploy>> LAST = new ConcurrentHashMap<>();

    /** A deployment: its change, when it ended, and the build that ran it (to know the entry is still this job's). */
    private record Deploy(String number, long endedMillis, int build, long buildStarted) {
        boolean stillThere(Run<?, ?> run) {
            Run<?, ?> b = run.getParent().getBuildByNumber(build);
            return b != null && b.getStartTimeInMillis() == buildStarted;
        }
    }

    /** A change block closed its change: the job's last deployment. */
    static void deployed(Run<?, ?> run, String number) {
        LAST.put(run.getParent().getFullName(), Optional.of(new Deploy(number, System.currentTimeMillis(), run.getNumber(),
                run.getStartTimeInMillis())));
    }

    /** The number of the change that caused a problem in this build, if any. */
    public static Optional<String> causeOf(Run<?, ?> run, Duration window) {
        Optional<String> own = changeOf(run, false);
        if (own.isPresent() || window.isZero() || window.isNegative()) {
            return own;
        }
        long since = run.getStartTimeInMillis() - window.toMillis();
        String job = run.getParent().getFullName();
        Optional<Deploy> last = LAST.computeIfAbsent(job, j -> lookBack(run));
        if (last.isPresent() && !last.get().stillThere(run)) { // deleted, or a job of the same name made anew
            last = lookBack(run);
            LAST.put(job, last);
        }
        return last.filter(d -> d.endedMillis() >= since).map(Deploy::number);
    }

    private static Optional<Deploy> lookBack(Run<?, ?> run) {
        Run<?, ?> earlier = run.getPreviousBuild();
        for (int i = 0; earlier != null && i < MAX_BUILDS; i++, earlier = earlier.getPreviousBuild()) {
            Optional<String> deployed = changeOf(earlier, true);
            if (deployed.isPresent()) {
                return Optional.of(new Deploy(deployed.get(), earlier.getStartTimeInMillis() + earlier.getDuration(), earlier.getNumber(),
                        earlier.getStartTimeInMillis()));
            }
        }
        return Optional.empty();
    }

    /** The last change a build opened, whatever became of it. */
    static Optional<TicketEntry> lastOpened(Run<?, ?> run) {
        return opened(run).reduce((a, b) -> b);
    }

    /**
     * The last change a build opened whose deployment started (its block ran, or a step closed it); with
     * {@code finished}, only one whose deployment ran to its close. A change refused or never approved caused nothing.
     */
    static Optional<String> changeOf(Run<?, ?> run, boolean finished) {
        return opened(run).filter(t -> t.getActions().contains("closed") || !finished && t.getActions().contains("implementing"))
                .reduce((a, b) -> b).map(TicketEntry::getNumber);
    }

    /** The changes a build opened, in order. */
    private static Stream<TicketEntry> opened(Run<?, ?> run) {
        TicketsAction tickets = run.getAction(TicketsAction.class);
        return tickets == null ? Stream.empty() : tickets.getTickets().stream()
                .filter(t -> t.getKind() == TicketEntry.Kind.CHANGE && t.getActions().contains("created"));
    }
}
