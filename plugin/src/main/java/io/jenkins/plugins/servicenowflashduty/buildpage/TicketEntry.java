package io.jenkins.plugins.servicenowflashduty.buildpage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/** One ticket a build touched: its kind, number and link, what the build did to it, the state seen last, and events. */
@ExportedBean(defaultVisibility = 2)
public final class TicketEntry {
    /** What kind of ticket. */
    public enum Kind { INCIDENT, CHANGE, TICKET, ALERT }

    private final Kind kind;
    private final String number;
    private String url;
    private final List<String> actions = new ArrayList<>();
    private String state;
    private final List<String> timeline = new ArrayList<>();

    TicketEntry(Kind kind, String number, String url, String what, String state) {
        this.kind = kind;
        this.number = number;
        this.url = url;
        this.state = state == null ? "" : state;
        actions.add(what);
    }

    synchronized void happened(String what, String newState, String newUrl) {
        if (actions.isEmpty() || !actions.get(actions.size() - 1).equals(what)) {
            actions.add(what);
        }
        if (newState != null && !newState.isEmpty()) {
            state = newState;
        }
        if (newUrl != null && !newUrl.isEmpty()) {
            url = newUrl;
        }
    }

    synchronized void timeline(String event) {
        timeline.add(event);
    }

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

    @Exported
    public synchronized String getState() {
        return state;
    }

    /** A change's approval events as the build saw them. */
    @Exported
    public synchronized List<String> getTimeline() {
        return List.copyOf(timeline);
    }
}
