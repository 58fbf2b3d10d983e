package io.jenkins.plugins.servicenowflashduty.buildpage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * One ticket a build touched: its kind, number and link, what the build did to it (each action with its origin: a
 * step, a queued delivery or an admin-wide rule), the state seen last, and a change's timestamped approval events.
 */
@ExportedBean(defaultVisibility = 2)
public final class TicketEntry {
    /** What kind of ticket. */
    public enum Kind { INCIDENT, CHANGE, TICKET, ALERT }

    private final Kind kind;
    private final String number;
    private String url;
    private final List<String> actions = new ArrayList<>();
    /** Who did each action: empty for a step, {@code queued} or {@code admin-wide}; parallel to {@link #actions}. */
    private List<String> origins = new ArrayList<>();
    private String state;
    private final List<String> timeline = new ArrayList<>();

    TicketEntry(Kind kind, String number, String url, String what, String origin, String state) {
        this.kind = kind;
        this.number = number;
        this.url = url;
        this.state = state == null ? "" : state;
        actions.add(what);
        origins.add(origin == null ? "" : origin);
    }

    /** Builds saved before actions had an origin wrote it into the word: {@code created (queued)}. */
    private synchronized Object readResolve() {
        if (origins == null) {
            origins = new ArrayList<>();
            for (int i = 0; i < actions.size(); i++) {
                String a = actions.get(i);
                int open = a.lastIndexOf(" (");
                boolean suffixed = open > 0 && a.endsWith(")");
                origins.add(suffixed ? a.substring(open + 2, a.length() - 1) : "");
                actions.set(i, suffixed ? a.substring(0, open) : a);
            }
        }
        return this;
    }

    synchronized void happened(String what, String origin, String newState, String newUrl) {
        String from = origin == null ? "" : origin;
        int last = actions.size() - 1;
        if (last < 0 || !actions.get(last).equals(what) || !origins.get(last).equals(from)) {
            actions.add(what);
            origins.add(from);
        }
        if (newState != null && !newState.isEmpty()) {
            state = newState;
        }
        if (newUrl != null && !newUrl.isEmpty()) {
            url = newUrl;
        }
    }

    /** An approval event with the time it was seen, so the approval wait can be read off the page. */
    synchronized void timeline(String event, Instant at) {
        timeline.add(TIME.format(at) + " " + event);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    @Exported
    public Kind getKind() {
        return kind;
    }

    /** "incident", "change", ... for display. */
    public String getKindLabel() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    @Exported
    public String getNumber() {
        return number;
    }

    /** The ticket's page; only http(s) links are handed to the page, whatever was recorded. */
    @Exported
    public synchronized String getUrl() {
        return url != null && (url.startsWith("https://") || url.startsWith("http://")) ? url : "";
    }

    /** What the build did, in order: created, updated, noted, resolved, alerted, recovered... */
    @Exported
    public synchronized List<String> getActions() {
        return List.copyOf(actions);
    }

    /** Who did each of {@link #getActions()}: empty for a step of the build, {@code queued} or {@code admin-wide}. */
    @Exported
    public synchronized List<String> getOrigins() {
        return List.copyOf(origins);
    }

    /** The actions as the page shows them: {@code created}, {@code resolved (admin-wide)}. */
    public synchronized List<String> getActionLabels() {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            labels.add(origins.get(i).isEmpty() ? actions.get(i) : actions.get(i) + " (" + origins.get(i) + ")");
        }
        return labels;
    }

    /** The last action, whoever did it. */
    synchronized String lastAction() {
        return actions.isEmpty() ? "" : actions.get(actions.size() - 1);
    }

    @Exported
    public synchronized String getState() {
        return state;
    }

    /** A change's timeline as the build saw it: approval events, its window, the conflicts found, the wait for the window. */
    @Exported
    public synchronized List<String> getTimeline() {
        return List.copyOf(timeline);
    }
}
