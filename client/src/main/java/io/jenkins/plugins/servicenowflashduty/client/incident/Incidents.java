package io.jenkins.plugins.servicenowflashduty.client.incident;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;
import static io.jenkins.plugins.servicenowflashduty.client.http.Texts.isBlank;

import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRef;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.job.Keys;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.Created;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.FieldValues;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.Repeat;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.Tables;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Incidents that follow a job: raised when it fails (a work note on the open one when it fails again,
 * never a twin), resolved when it recovers. The operation behind {@code serviceNowIncident}.
 */
public final class Incidents {
    static final String TABLE = "incident";
    /** New, In Progress, On Hold: an incident still being worked on. */
    static final List<String> OPEN_STATES = List.of("1", "2", "3");
    static final int MAX_KEY = 100;
    private static final Set<String> SET_BY_STEP = Set.of("correlation_id", "state", "incident_state", "sys_id", "number");
    /** Preferred resolution codes: current releases first, then older instances'. */
    private static final List<String> DEFAULT_CLOSE_CODES = List.of("Solution provided", "Solved (Permanently)");

    /**
     * ServiceNow has no unique constraint on {@code correlation_id}, so two builds of one job failing at the
     * same moment would both find nothing open and both create. Raises and resolves of one key therefore take
     * turns in this JVM (the controller); striped so memory stays fixed however many keys there are.
     */
    private static final ReentrantLock[] KEY_LOCKS = new ReentrantLock[64];

    static {
        for (int i = 0; i < KEY_LOCKS.length; i++) {
            KEY_LOCKS[i] = new ReentrantLock();
        }
    }

    private final ServiceNowClient client;

    public Incidents(ServiceNowClient client) {
        this.client = client;
    }

    /** Opens an incident for a failed build, or notes the new failure on the one already open. */
    public IncidentOutcome raise(BuildContext build, IncidentRequest request) {
        return raise(build, request, null);
    }

    /**
     * {@link #raise(BuildContext, IncidentRequest)} for a queued delivery, which may be carried out again after
     * an attempt whose end was not recorded: the incident it opens gets {@code repeat}'s sys_id, so finding
     * that one open means this raise already happened; and its note is not written twice.
     */
    public IncidentOutcome raise(BuildContext build, IncidentRequest request, Repeat repeat) {
        return raise(build, request, repeat, null);
    }

    /**
     * {@link #raise(BuildContext, IncidentRequest, Repeat)} linking a new incident to the change that caused it: its
     * {@code caused_by} is set, and the change gets a work note naming the incident.
     *
     * @param causedBy null for no link
     */
    public IncidentOutcome raise(BuildContext build, IncidentRequest request, Repeat repeat, CausedBy causedBy) {
        String key = key(build, request.correlationKey());
        return oneAtATime(key, () -> raiseOrNote(build, request, key, repeat, causedBy));
    }

    /** The change to link, or null: one the plugin found itself and cannot read is left out rather than failing the raise. */
    private ChangeRef cause(CausedBy causedBy) {
        if (causedBy == null || isBlank(causedBy.change())) {
            return null;
        }
        try {
            return new Changes(client).find(causedBy.change());
        } catch (ApiException e) {
            if (causedBy.explicit()) {
                throw e;
            }
            return null;
        }
    }

    /** What ServiceNow keeps of an incident's description (the column's default length): a queued raise is cut to it. */
    public static final int MAX_DESCRIPTION = 4000;

    /**
     * Checks what can be checked without ServiceNow (urgency, impact, extra fields), so that a queued raise that
     * would be refused anyway fails its step at once instead of waiting in front of other deliveries.
     *
     * @throws ApiException {@link io.jenkins.plugins.servicenowflashduty.client.http.Problem#INVALID_INPUT} with the sentence
     */
    public static void check(IncidentRequest request) {
        if (!isBlank(request.urgency())) {
            FieldValues.level("urgency", request.urgency());
        }
        if (!isBlank(request.impact())) {
            FieldValues.level("impact", request.impact());
        }
        FieldValues.extra(request.extraFields(), SET_BY_STEP);
    }

    /** The correlation key a raise or resolve of this build uses: the one requested, else the job's. */
    public static String correlationKey(BuildContext build, String requested) {
        return key(build, requested);
    }

    private IncidentOutcome raiseOrNote(BuildContext build, IncidentRequest request, String key, Repeat repeat, CausedBy causedBy) {
        String shortDescription = FieldValues.shortDescription(request.shortDescription(),
                FieldValues.keepEnd(build.displayName(), FieldValues.MAX_SHORT_DESCRIPTION - 1 - build.problemTitle().length())
                        + " " + build.problemTitle());
        Map<String, String> values = new LinkedHashMap<>();
        values.put("short_description", shortDescription);
        values.put("description", request.description() != null ? request.description() : defaultDescription(build));
        values.put("urgency", isBlank(request.urgency()) ? "2" : FieldValues.level("urgency", request.urgency()));
        values.put("impact", isBlank(request.impact()) ? "2" : FieldValues.level("impact", request.impact()));
        FieldValues.putIfPresent(values, "category", request.category());
        FieldValues.putIfPresent(values, "subcategory", request.subcategory());
        Map<String, String> extra = FieldValues.extra(request.extraFields(), SET_BY_STEP);
        client.columns().checkColumns(TABLE, extra.keySet()); // ServiceNow would drop an unknown column without a word

        SnRecord open = findOpen(key);
        if (open != null && repeat != null && open.sysId().equals(repeat.sysId())) {
            return outcome(IncidentOutcome.Action.CREATED, open, "Opened incident " + open.number() + ".");
        }
        if (open != null) {
            String note = isBlank(request.workNote())
                    ? "Failed again in " + build.displayName() + (build.buildUrl().isEmpty() ? "" : ": " + build.buildUrl())
                    : request.workNote();
            if (repeat == null || !repeat.mayHaveHappened()
                    || !client.journalHasSince(open.sysId(), "work_notes", note, repeat.earlierAttemptSince())) {
                client.appendJournal(TABLE, open.sysId(), "work_notes", note);
            }
            return outcome(IncidentOutcome.Action.UPDATED, open, "Incident " + open.number() + " is still open; added a work note.");
        }
        if (!isBlank(request.assignmentGroup())) {
            values.put("assignment_group", client.resolveReference("sys_user_group", "name", request.assignmentGroup()));
        }
        if (!isBlank(request.caller())) {
            values.put("caller_id", resolveUser(request.caller()));
        }
        if (!isBlank(request.configurationItem())) {
            values.put("cmdb_ci", client.resolveReference("cmdb_ci", "name", request.configurationItem()));
        }
        values.putAll(extra);
        ChangeRef change = cause(causedBy);
        if (change != null) {
            values.put("caused_by", change.sysId());
        }
        values.put("correlation_id", key);
        values.put("correlation_display", "Jenkins");
        Created created = client.create(TABLE, values, repeat == null ? null : repeat.sysId(), openQuery(key),
                r -> key.equals(r.get("correlation_id")));
        SnRecord incident = created.record();
        if (change == null) {
            return outcome(IncidentOutcome.Action.CREATED, incident, "Opened incident " + incident.number() + "."
                    + (causedBy == null || isBlank(causedBy.change()) ? ""
                    : " Change " + causedBy.change().strip() + " could not be read, so the incident is not linked to it."));
        }
        String note = "Incident " + incident.number() + " was raised for Jenkins build " + build.displayName()
                + (build.buildUrl().isEmpty() ? "" : " (" + build.buildUrl() + ")") + "; it is recorded as caused by this change.";
        String noted = "";
        try {
            if (repeat == null || !repeat.mayHaveHappened()
                    || !client.journalHasSince(change.sysId(), "work_notes", note, repeat.earlierAttemptSince())) {
                client.appendJournal(Changes.TABLE_NAME, change.sysId(), "work_notes", note);
            }
        } catch (ApiException e) {
            // the incident exists and names its change: a note the change refuses must not undo that (nor be retried forever)
            noted = " The work note on the change could not be written: " + e.getMessage();
        }
        return new IncidentOutcome(IncidentOutcome.Action.CREATED, incident.number(), incident.sysId(), client.recordUrl(TABLE, incident.sysId()),
                "Opened incident " + incident.number() + ", caused by change " + change.number() + "." + noted, change.number());
    }

    /** Resolves the open incident of this key, if any, with a resolution code and notes. */
    public IncidentOutcome resolve(BuildContext build, String correlationKey, String closeCode, String closeNotes) {
        String key = key(build, correlationKey);
        return oneAtATime(key, () -> resolveOpen(build, key, closeCode, closeNotes));
    }

    private IncidentOutcome resolveOpen(BuildContext build, String key, String closeCode, String closeNotes) {
        SnRecord open = findOpen(key);
        if (open == null) {
            return new IncidentOutcome(IncidentOutcome.Action.NONE, "", "", "", "No open incident for " + key + "; nothing to resolve.");
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("state", "6");
        values.put("close_code", closeCode(closeCode));
        values.put("close_notes", isBlank(closeNotes)
                ? "Resolved by Jenkins: " + build.displayName() + " succeeded" + (build.buildUrl().isEmpty() ? "." : ": " + build.buildUrl())
                : closeNotes);
        client.update(TABLE, open.sysId(), values);
        return outcome(IncidentOutcome.Action.RESOLVED, open, "Resolved incident " + open.number() + ".");
    }

    private static IncidentOutcome oneAtATime(String key, Supplier<IncidentOutcome> work) {
        ReentrantLock lock = KEY_LOCKS[Math.floorMod(key.hashCode(), KEY_LOCKS.length)];
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(Problem.INTERRUPTED, 0,
                    "Interrupted while another build was updating the incident for " + key + ".", e);
        }
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    private SnRecord findOpen(String key) {
        return client.query(TABLE, openQuery(key), 5, "sys_id", "number", "state", "correlation_id").stream()
                .filter(r -> key.equals(r.get("correlation_id")) && OPEN_STATES.contains(r.get("state")))
                .findFirst().orElse(null);
    }

    private static TableQuery openQuery(String key) {
        return TableQuery.where("correlation_id").is(key).and("state").in(OPEN_STATES).orderBy("sys_created_on");
    }

    /** A user given by sys_id, user_name or full name; one sentence naming both fields when neither matches. */
    private String resolveUser(String user) {
        String v = user.strip();
        if (Tables.isSysId(v)) {
            return v;
        }
        for (String field : List.of("user_name", "name")) {
            List<SnRecord> found = client.whereExactly("sys_user", field, v);
            if (found.size() == 1) {
                return found.get(0).sysId();
            }
            if (found.size() > 1) {
                throw invalidInput("Several ServiceNow users have the " + field + " '" + v + "'; give the user_name or sys_id of the one you mean.");
            }
        }
        throw invalidInput("ServiceNow has no user whose user_name or name is '" + v + "'; check it or give the user's sys_id.");
    }

    /** The caller's code if the instance knows it; otherwise the instance's usual "solved" code. */
    private String closeCode(String requested) {
        List<String> known = client.query("sys_choice", TableQuery.where("name").is(TABLE).and("element").is("close_code")
                .and("inactive").is("false"), 100, "value", "name", "element").stream()
                .filter(c -> TABLE.equals(c.get("name")) && "close_code".equals(c.get("element")))
                .map(c -> c.get("value")).toList();
        if (!isBlank(requested)) {
            if (!known.isEmpty() && !known.contains(requested.strip())) {
                throw invalidInput("'" + requested + "' is not a resolution code on this instance; use one of: " + String.join(", ", known) + ".");
            }
            return requested.strip();
        }
        return DEFAULT_CLOSE_CODES.stream().filter(known::contains).findFirst()
                .orElse(known.isEmpty() ? DEFAULT_CLOSE_CODES.get(0) : known.get(0));
    }

    /** The key as sent: checked for characters queries cannot carry, and hashed down when too long. */
    static String key(BuildContext build, String requested) {
        String key = isBlank(requested) ? build.jobKey() : requested.strip();
        if (key.contains("^") || key.contains(",")) {
            throw invalidInput("The correlation key '" + key + "' contains '^' or ',', which ServiceNow queries cannot carry.");
        }
        return Keys.shorten(key, MAX_KEY);
    }

    private IncidentOutcome outcome(IncidentOutcome.Action action, SnRecord incident, String message) {
        return new IncidentOutcome(action, incident.number(), incident.sysId(), client.recordUrl(TABLE, incident.sysId()), message);
    }

    private static String defaultDescription(BuildContext build) {
        String lines = build.detailLines();
        return "Jenkins build " + build.displayName() + " " + build.outcomeWords() + "." + (lines.isEmpty() ? "" : "\n" + lines);
    }


}
