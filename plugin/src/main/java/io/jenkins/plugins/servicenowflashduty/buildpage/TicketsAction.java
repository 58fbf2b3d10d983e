package io.jenkins.plugins.servicenowflashduty.buildpage;

import hudson.model.Run;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What a build did with ServiceNow and Flashduty: each ticket it opened or touched, what happened to it and
 * the state seen last, and a change's approval timeline. A sidebar link and a summary box on the build page,
 * and {@code tickets} in the build's {@code /api/json} for dashboards. Saved with the build, off the recording
 * step's path ({@link BuildSaves}).
 */
@ExportedBean
public final class TicketsAction implements RunAction2 {
    private final List<TicketEntry> tickets = new ArrayList<>();
    private transient Run<?, ?> run;

    /** A queued delivery of a {@code durable: true} step. */
    public static final String QUEUED = "queued";
    /** An admin-wide rule's delivery. */
    public static final String ADMIN_WIDE = "admin-wide";

    /** Records what a step did, on the build it ran in (saved with it). */
    public static void record(Run<?, ?> run, TicketEntry.Kind kind, String number, String url, String what, String state) {
        record(run, kind, number, url, what, "", state);
    }

    /**
     * Records what was done for a build, and by whom: a step ({@code ""}), a queued delivery ({@link #QUEUED}) or an
     * admin-wide rule ({@link #ADMIN_WIDE}).
     */
    public static void record(Run<?, ?> run, TicketEntry.Kind kind, String number, String url, String what, String origin, String state) {
        generation.incrementAndGet();
        TicketsAction action;
        synchronized (run) {
            action = run.getAction(TicketsAction.class);
            if (action == null) {
                action = new TicketsAction();
                run.addAction(action);
            }
        }
        if (action.add(kind, number, url, what, origin, state)) {
            BuildSaves.shortly(run);
        } else {
            BuildSaves.soon(run);
        }
    }

    /** Changes with every record, so that what is read from builds (the job page's open tickets) can be kept until then. */
    private static final AtomicLong generation = new AtomicLong();

    static long generation() {
        return generation.get();
    }

    /** The kind a ticket number names: INC incident, CHG change, anything else a ticket. */
    public static TicketEntry.Kind kindOf(String number) {
        String n = number == null ? "" : number.toUpperCase(java.util.Locale.ROOT);
        return n.startsWith("INC") ? TicketEntry.Kind.INCIDENT : n.startsWith("CHG") ? TicketEntry.Kind.CHANGE : TicketEntry.Kind.TICKET;
    }

    /** Adds an approval event (requested, approved, rejected...) with its time to the change's timeline; saved soon. */
    public static void approvalEvent(Run<?, ?> run, String number, String event) {
        event(run, TicketEntry.Kind.CHANGE, number, event);
    }

    /** Adds an event with its time to a ticket's timeline (a change's window, an incident's cause); saved soon. */
    public static void event(Run<?, ?> run, TicketEntry.Kind kind, String number, String event) {
        TicketsAction action = run.getAction(TicketsAction.class);
        if (action != null) {
            synchronized (action.tickets) {
                action.tickets.stream().filter(t -> t.getNumber().equals(number) && t.getKind() == kind)
                        .reduce((a, b) -> b).ifPresent(t -> t.timeline(event, Instant.now()));
            }
            BuildSaves.soon(run);
        }
    }

    /** @return whether the ticket is new to this build */
    private boolean add(TicketEntry.Kind kind, String number, String url, String what, String origin, String state) {
        synchronized (tickets) {
            Optional<TicketEntry> known = tickets.stream().filter(t -> t.getKind() == kind && t.getNumber().equals(number)).findFirst();
            if (known.isPresent()) {
                known.get().happened(what, origin, state, url);
                return false;
            }
            tickets.add(new TicketEntry(kind, number, url, what, origin, state));
            return true;
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
