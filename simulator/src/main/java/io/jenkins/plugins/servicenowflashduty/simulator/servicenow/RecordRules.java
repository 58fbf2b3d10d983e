package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The business rules and data policies of a default instance that integrations run into: incident
 * priority and resolution, the change state model and its approvals, closing tasks.
 */
final class RecordRules {
    private static final Set<String> INCIDENT_DONE = Set.of("6", "7", "8");

    private final ServiceNowInstance instance;

    RecordRules(ServiceNowInstance instance) {
        this.instance = instance;
    }

    /** Checks and completes a record about to be written; {@code before} is null on insert. */
    void beforeWrite(TableSchema schema, Map<String, String> before, Map<String, String> after, Actor actor) {
        switch (schema.name()) {
            case "incident" -> incident(before, after, actor);
            case "change_request" -> change(before, after, actor);
            case "change_task" -> task(before, after, actor);
            default -> {
            }
        }
    }

    /** Effects that need the stored record: a change that now needs approval starts waiting. */
    void afterWrite(TableSchema schema, Map<String, String> record) {
        if (schema.name().equals("change_request") && "requested".equals(record.get("approval"))) {
            instance.approvalRequested(record.get("sys_id"));
        }
    }

    // ---------------------------------------------------------------- incident

    private void incident(Map<String, String> before, Map<String, String> after, Actor actor) {
        String now = instance.now();
        if (before == null) {
            after.putIfAbsent("opened_at", "");
            if (after.get("opened_at").isEmpty()) {
                after.put("opened_at", now);
            }
            if (after.get("opened_by").isEmpty()) {
                after.put("opened_by", instance.userSysId(actor.userName()));
            }
        }
        // state and the legacy incident_state move together
        String state = after.get("state");
        if (before != null && state.equals(before.get("state")) && !after.get("incident_state").equals(before.get("incident_state"))) {
            state = after.get("incident_state");
        }
        if (!Schemas.INCIDENT_STATES.containsKey(state)) {
            throw SnErrors.error(403, "Operation Failed", "Invalid incident state '" + state + "'");
        }
        after.put("state", state);
        after.put("incident_state", state);
        after.put("priority", incidentPriority(after.get("impact"), after.get("urgency")));

        String previous = before == null ? "" : before.get("state");
        if (state.equals("6") || state.equals("7")) {
            requireFields(after, "close_code", "Resolution code", "close_notes", "Close notes");
        }
        if (!state.equals(previous)) {
            if (state.equals("6")) {
                after.put("resolved_at", now);
                after.put("resolved_by", instance.userSysId(actor.userName()));
            } else if (state.equals("7")) {
                after.put("closed_at", now);
                after.put("closed_by", instance.userSysId(actor.userName()));
            } else if (!INCIDENT_DONE.contains(state) && INCIDENT_DONE.contains(previous)) {
                after.put("reopen_count", Integer.toString(Integer.parseInt(after.get("reopen_count").isEmpty() ? "0" : after.get("reopen_count")) + 1));
                after.put("resolved_at", "");
                after.put("resolved_by", "");
            }
        }
        after.put("active", Boolean.toString(!state.equals("7") && !state.equals("8")));
    }

    /** The default priority lookup: impact x urgency. */
    static String incidentPriority(String impact, String urgency) {
        int i = clamp(impact);
        int u = clamp(urgency);
        return Integer.toString(Math.min(5, i + u - 1));
    }

    private static int clamp(String v) {
        try {
            return Math.max(1, Math.min(3, Integer.parseInt(v)));
        } catch (NumberFormatException e) {
            return 3;
        }
    }

    // ---------------------------------------------------------------- change request

    private void change(Map<String, String> before, Map<String, String> after, Actor actor) {
        String type = after.get("type");
        if (!Schemas.CHANGE_TYPES.containsKey(type)) {
            throw SnErrors.error(403, "Operation Failed", "Invalid change type '" + type + "'");
        }
        String state = after.get("state");
        if (!Schemas.CHANGE_STATES.containsKey(state)) {
            throw SnErrors.error(403, "Operation Failed", "Invalid change state '" + state + "'");
        }
        String now = instance.now();
        if (before == null) {
            if (type.equals("standard")) {
                after.put("approval", "approved");
            }
            if (!state.equals("-5") && (state.equals("4") || !nextStates(type, "-5", after.get("approval")).contains(state))) {
                throw transitionRefused("New", Schemas.CHANGE_STATES.get(state));
            }
            if (after.get("opened_at").isEmpty()) {
                after.put("opened_at", now);
            }
            if (after.get("opened_by").isEmpty()) {
                after.put("opened_by", instance.userSysId(actor.userName()));
            }
            if (after.get("requested_by").isEmpty()) {
                after.put("requested_by", instance.userSysId(actor.userName()));
            }
        } else if (!state.equals(before.get("state"))) {
            checkTransition(type, before.get("state"), state, after.get("approval"));
        }
        if (!type.equals("standard") && needsApproval(type, state)
                && ("not requested".equals(after.get("approval")) || "rejected".equals(after.get("approval")))) {
            after.put("approval", "requested");
        }
        if (state.equals("3")) {
            requireFields(after, "close_code", "Close code", "close_notes", "Close notes");
        }
        if ((state.equals("3") || state.equals("4")) && (before == null || !state.equals(before.get("state")))) {
            after.put("closed_at", now);
            after.put("closed_by", instance.userSysId(actor.userName()));
        }
        if (state.equals("-1") && after.get("work_start").isEmpty()) {
            after.put("work_start", now);
        }
        if (state.equals("0") && after.get("work_end").isEmpty()) {
            after.put("work_end", now);
        }
        after.put("active", Boolean.toString(!state.equals("3") && !state.equals("4")));
        after.put("priority", Integer.toString(Math.min(4, Integer.parseInt(incidentPriority(after.get("impact"), after.get("urgency"))))));
    }

    private static boolean needsApproval(String type, String state) {
        return type.equals("normal") ? state.equals("-4") || state.equals("-3") : state.equals("-3");
    }

    /** The type-based state model: which state may follow which. */
    static List<String> nextStates(String type, String from, String approval) {
        List<String> next = new ArrayList<>();
        switch (from) {
            case "-5" -> next.addAll(type.equals("normal") ? List.of("-4") : type.equals("emergency") ? List.of("-3") : List.of("-2"));
            case "-4" -> next.addAll(List.of("-5", "-3"));
            case "-3" -> next.addAll(List.of("-5"));
            case "-2" -> next.add("-1");
            case "-1" -> next.add("0");
            case "0" -> next.add("3");
            default -> {
            }
        }
        if ((from.equals("-4") || from.equals("-3")) && "approved".equals(approval)) {
            next.add("-2");
        }
        if (!from.equals("0") && !from.equals("3") && !from.equals("4")) {
            next.add("4");
        }
        return next;
    }

    private static void checkTransition(String type, String from, String to, String approval) {
        if (!nextStates(type, from, approval).contains(to)) {
            throw transitionRefused(Schemas.CHANGE_STATES.getOrDefault(from, from), Schemas.CHANGE_STATES.get(to));
        }
    }

    private static RuntimeException transitionRefused(String from, String to) {
        return SnErrors.error(403, "Operation Failed",
                "Business Rule 'Change Model: Check State Transition' aborted the operation: the change cannot move from "
                        + from + " to " + to);
    }

    // ---------------------------------------------------------------- change task

    private void task(Map<String, String> before, Map<String, String> after, Actor actor) {
        String state = after.get("state");
        if (!Schemas.TASK_STATES.containsKey(state)) {
            throw SnErrors.error(403, "Operation Failed", "Invalid change task state '" + state + "'");
        }
        if ((state.equals("3") || state.equals("4")) && (before == null || !state.equals(before.get("state")))) {
            after.put("closed_at", instance.now());
            after.put("closed_by", instance.userSysId(actor.userName()));
        }
        if (before == null && after.get("opened_at").isEmpty()) {
            after.put("opened_at", instance.now());
        }
        after.put("active", Boolean.toString(!state.equals("3") && !state.equals("4")));
    }

    private static void requireFields(Map<String, String> record, String field1, String label1, String field2, String label2) {
        List<String> missing = new ArrayList<>();
        if (Text.blank(record.get(field1))) {
            missing.add(label1);
        }
        if (Text.blank(record.get(field2))) {
            missing.add(label2);
        }
        if (!missing.isEmpty()) {
            throw SnErrors.dataPolicy(String.join(", ", missing));
        }
    }
}
