package io.jenkins.plugins.servicenowflashduty.buildpage;

import hudson.model.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What a build did with ServiceNow and Flashduty: each ticket it opened or touched, what happened to it and
 * the state seen last, and a change's approval timeline. A sidebar link and a summary box on the build page,
 * and {@code tickets} in the build's {@code /api/json} for dashboards. Saved with the build.
 */
@ExportedBean
public final class TicketsAction implements RunAction2 {
    private final List<TicketEntry> tickets = new ArrayList<>();
    private transient Run<?, ?> run;

    /** Records what a step did, on the build it ran in (saved with it). */
    public static void record(Run<?, ?> run, TicketEntry.Kind kind, String number, String url, String what, String state) {
        TicketsAction action;
        synchronized (run) {
            action = run.getAction(TicketsAction.class);
            if (action == null) {
                action = new TicketsAction();
                run.addAction(action);
            }
        }
        action.add(kind, number, url, what, state);
        try {
            run.save();
        } catch (java.io.IOException e) {
            java.util.logging.Logger.getLogger(TicketsAction.class.getName()).log(java.util.logging.Level.FINE, "could not save " + run, e);
        }
    }

    /** The kind a ticket number names: INC incident, CHG change, anything else a ticket. */
    public static TicketEntry.Kind kindOf(String number) {
        String n = number == null ? "" : number.toUpperCase(java.util.Locale.ROOT);
        return n.startsWith("INC") ? TicketEntry.Kind.INCIDENT : n.startsWith("CHG") ? TicketEntry.Kind.CHANGE : TicketEntry.Kind.TICKET;
    }

    /** Adds an approval event (requested, approved, rejected...) to the change's timeline. */
    public static void approvalEvent(Run<?, ?> run, String number, String event) {
        TicketsAction action = run.getAction(TicketsAction.class);
        if (action != null) {
            synchronized (action.tickets) {
                action.tickets.stream().filter(t -> t.getNumber().equals(number) && t.getKind() == TicketEntry.Kind.CHANGE)
                        .reduce((a, b) -> b).ifPresent(t -> t.timeline(event));
            }
        }
    }

    private void add(TicketEntry.Kind kind, String number, String url, String what, String state) {
        synchronized (tickets) {
            Optional<TicketEntry> known = tickets.stream().filter(t -> t.getKind() == kind && t.getNumber().equals(number)).findFirst();
            if (known.isPresent()) {
                known.get().happened(what, state, url);
            } else {
                tickets.add(new TicketEntry(kind, number, url, what, state));
            }
        }
    }

    /** Every ticket, in the order the build first touched them. */
    @Exported(name = "tickets", inline = true)
    public List<TicketEntry> getTickets() {
        synchronized (tickets) {
            return List.copyOf(tickets);
        }
    }

    /** The incident this build raised or updated last, for labels of a later alert. */
    public Optional<TicketEntry> lastIncident() {
        synchronized (tickets) {
            return tickets.stream().filter(t -> t.getKind() == TicketEntry.Kind.INCIDENT).reduce((a, b) -> b);
        }
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public String getIconFileName() {
        return "symbol-journal";
    }

    @Override
    public String getDisplayName() {
        return io.jenkins.plugins.servicenowflashduty.Messages.TicketsAction_displayName();
    }

    @Override
    public String getUrlName() {
        return "servicenow";
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }
}
