package io.jenkins.plugins.servicenowflashduty.buildpage;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import jenkins.model.TransientActionFactory;

/**
 * On a job's page: the incident and the alert its builds left open, if any (the newest build that touched
 * one decides: resolved or recovered means nothing is open). Read from the builds' {@link TicketsAction}s.
 */
public final class OpenTicketsAction implements Action {
    /** How far back a job's builds are read. */
    static final int BUILDS = 30;
    private final List<TicketEntry> open;

    OpenTicketsAction(List<TicketEntry> open) {
        this.open = open;
    }

    public List<TicketEntry> getOpen() {
        return open;
    }

    static List<TicketEntry> openTickets(Job<?, ?> job) {
        List<TicketEntry> open = new ArrayList<>();
        Set<TicketEntry.Kind> decided = new HashSet<>();
        int seen = 0;
        for (Run<?, ?> r = job.getLastCompletedBuild(); r != null && seen < BUILDS && decided.size() < 2; r = r.getPreviousCompletedBuild(), seen++) {
            TicketsAction a = r.getAction(TicketsAction.class);
            if (a == null) {
                continue;
            }
            List<TicketEntry> tickets = new ArrayList<>(a.getTickets());
            java.util.Collections.reverse(tickets);
            for (TicketEntry t : tickets) {
                if ((t.getKind() == TicketEntry.Kind.INCIDENT || t.getKind() == TicketEntry.Kind.ALERT) && decided.add(t.getKind())) {
                    List<String> did = t.getActions();
                    String last = did.isEmpty() ? "" : did.get(did.size() - 1);
                    if (!last.equals("resolved") && !last.equals("recovered")) {
                        open.add(t);
                    }
                }
            }
        }
        return open;
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
