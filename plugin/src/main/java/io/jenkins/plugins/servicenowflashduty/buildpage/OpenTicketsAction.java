package io.jenkins.plugins.servicenowflashduty.buildpage;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import jenkins.model.TransientActionFactory;

/**
 * On a job's page: the incident and the alert its builds left open, if any (the newest build that touched
 * one decides: resolved or recovered means nothing is open). Read from the builds' {@link TicketsAction}s.
 */
public final class OpenTicketsAction implements Action {
    /** How far back a job's builds are read. */
    static final int BUILDS = 30;
    /**
     * What was read, per job, until its last completed build or any ticket record changes: listing a job's actions
     * (every page of it, every API call) must not load thirty builds each time.
     */
    private static final Map<Job<?, ?>, Read> READ = Collections.synchronizedMap(new WeakHashMap<>());

    private record Read(int lastBuild, long generation, List<TicketEntry> open) {
    }
    private final List<TicketEntry> open;

    OpenTicketsAction(List<TicketEntry> open) {
        this.open = open;
    }

    public List<TicketEntry> getOpen() {
        return open;
    }

    static List<TicketEntry> openTickets(Job<?, ?> job) {
        Run<?, ?> last = job.getLastCompletedBuild();
        int lastBuild = last == null ? 0 : last.getNumber();
        long generation = TicketsAction.generation();
        Read known = READ.get(job);
        if (known != null && known.lastBuild == lastBuild && known.generation == generation) {
            return known.open;
        }
        List<TicketEntry> open = read(job);
        READ.put(job, new Read(lastBuild, generation, open));
        return open;
    }

    private static List<TicketEntry> read(Job<?, ?> job) {
        List<TicketEntry> open = new ArrayList<>();
        Set<TicketEntry.Kind> decided = new HashSet<>();
        int seen = 0;
        for (Run<?, ?> r = job.getLastCompletedBuild(); r != null && seen < BUILDS && decided.size() < 2; r = r.getPreviousCompletedBuild(), seen++) {
            TicketsAction a = r.getAction(TicketsAction.class);
            if (a == null) {
                continue;
            }
            List<TicketEntry> tickets = new ArrayList<>(a.getTickets());
            Collections.reverse(tickets);
            for (TicketEntry t : tickets) {
                if ((t.getKind() == TicketEntry.Kind.INCIDENT || t.getKind() == TicketEntry.Kind.ALERT) && decided.add(t.getKind())) {
                    String last = t.lastAction(); // whoever did it: a step, a queued delivery or an admin-wide rule
                    if (!last.equals("resolved") && !last.equals("recovered")) {
                        open.add(t);
                    }
                }
            }
        }
        return List.copyOf(open);
    }

    @Override
    public String getIconFileName() {
        return null; // shown on the job page only
    }

    @Override
    public String getDisplayName() {
        return io.jenkins.plugins.servicenowflashduty.Messages.TicketsAction_displayName();
    }

    @Override
    public String getUrlName() {
        return null;
    }

    /** Adds the box to every job whose recent builds left an incident or alert open. */
    @Extension
    public static final class Factory extends TransientActionFactory<Job> {
        @Override
        public Class<Job> type() {
            return Job.class;
        }

        @Override
        public Collection<? extends Action> createFor(Job target) {
            @SuppressWarnings("unchecked")
            List<TicketEntry> open = openTickets((Job<?, ?>) target);
            return open.isEmpty() ? List.of() : List.of(new OpenTicketsAction(open));
        }
    }
}
