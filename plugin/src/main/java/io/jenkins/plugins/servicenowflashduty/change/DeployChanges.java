package io.jenkins.plugins.servicenowflashduty.change;

import hudson.model.Run;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import java.time.Duration;
import java.util.Optional;

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

    /** The number of the change that caused a problem in this build, if any. */
    public static Optional<String> causeOf(Run<?, ?> run, Duration window) {
        Optional<String> own = changeOf(run, false);
        if (own.isPresent() || window.isZero() || window.isNegative()) {
            return own;
        }
        long since = run.getStartTimeInMillis() - window.toMillis();
        Run<?, ?> earlier = run.getPreviousBuild();
        for (int i = 0; earlier != null && i < MAX_BUILDS; i++, earlier = earlier.getPreviousBuild()) {
            long ended = earlier.getStartTimeInMillis() + earlier.getDuration();
            if (ended < since) {
                break; // older builds ended earlier still
            }
            Optional<String> deployed = changeOf(earlier, true);
            if (deployed.isPresent()) {
                return deployed;
            }
        }
        return Optional.empty();
    }

    /**
     * The last change a build opened; with {@code deployedOnly}, the last one whose deployment ran to its close (a
     * canceled change caused nothing).
     */
    static Optional<String> changeOf(Run<?, ?> run, boolean deployedOnly) {
        TicketsAction tickets = run.getAction(TicketsAction.class);
        if (tickets == null) {
            return Optional.empty();
        }
        return tickets.getTickets().stream()
                .filter(t -> t.getKind() == TicketEntry.Kind.CHANGE && t.getActions().contains("created"))
                .filter(t -> !deployedOnly || t.getActions().contains("closed"))
                .reduce((a, b) -> b).map(TicketEntry::getNumber);
    }
}
