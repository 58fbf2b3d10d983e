package io.jenkins.plugins.servicenowflashduty.client.change;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.job.Keys;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpTransport;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.Texts;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.FieldValues;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.Tables;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * The life of a deployment's change request: open it with the build's details, ask for approval, move
 * it to Implement when the deployment starts, close it with the real result, or cancel it. The
 * operations behind {@code serviceNowCreateChange}.
 */
public final class Changes {
    static final String TABLE = "change_request";
    /** The table changes live in. */
    public static final String TABLE_NAME = TABLE;
    private static final DateTimeFormatter SN_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter SN_DATE_STRICT = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);
    private static final Pattern SN_DATE_TEXT = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    /** What every change this plugin opens carries in {@code correlation_display}: how a watcher finds their updates. */
    public static final String CORRELATION_DISPLAY = "Jenkins";
    private static final Set<String> SET_BY_STEP = Set.of("correlation_id", "state", "type", "sys_id", "number", "approval");
    private static final String[] FIELDS = {"sys_id", "number", "type", "state", "approval"};

    /** What an update's {@code fields} may not set: approvers own the approval, the step's own parameters the rest. */
    private static final Set<String> APPROVAL = Set.of("approval", "approval_history", "approval_set");
    private static final Map<String, String> BY_PARAMETER = Map.of("state", "state:", "close_code", "closeCode:",
            "close_notes", "closeNotes:", "work_notes", "workNote:");
    private static final Set<String> BY_SERVICENOW = Set.of("sys_id", "number", "type", "correlation_id", "chg_model");

    private final ServiceNowClient client;

    public Changes(ServiceNowClient client) {
        this.client = client;
    }

    /** The change's window, items and conflicts, on the same instance. */
    public ChangeScheduling scheduling() {
        return new ChangeScheduling(client);
    }

    /** Opens a change for a deployment; the description ends with a link back to the build. */
    public ChangeRef open(BuildContext build, ChangeRequest request) {
        return open(build, request, newCorrelationId(build));
    }

    /**
     * Opens a change with a correlation id chosen beforehand ({@link #newCorrelationId}), so a caller that
     * kept it (a step across a controller restart) can later find the change it may have opened.
     */
    public ChangeRef open(BuildContext build, ChangeRequest request, String correlationId) {
        ChangeType type = request.type() == null ? ChangeType.NORMAL : request.type();
        String shortDescription = FieldValues.shortDescription(request.shortDescription(),
                "Deploy " + FieldValues.keepEnd(build.displayName(), FieldValues.MAX_SHORT_DESCRIPTION - "Deploy ".length()));
        String template = null;
        if (type == ChangeType.STANDARD) {
            if (request.template() == null || request.template().isBlank()) {
                throw invalidInput("A standard change needs a template; give the name or sys_id of a standard change template.");
            }
            template = client.resolveReference("std_change_record_producer", "name", request.template());
        } else if (request.template() != null && !request.template().isBlank()) {
            throw invalidInput("Only standard changes come from a template; set the type to standard or leave the template out.");
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("short_description", shortDescription);
        String description = request.description() == null ? "" : request.description().strip();
        String details = (description.isEmpty() ? "" : description + "\n\n") + buildDetails(build);
        // a standard change's template fixes its description, so the link to the build goes into a work note
        values.put(type == ChangeType.STANDARD ? "work_notes" : "description", details);
        FieldValues.putIfPresent(values, "implementation_plan", request.implementationPlan());
        FieldValues.putIfPresent(values, "backout_plan", request.backoutPlan());
        FieldValues.putIfPresent(values, "test_plan", request.testPlan());
        if (request.risk() != null && !request.risk().isBlank()) {
            values.put("risk", risk(request.risk()));
        }
        if (request.impact() != null && !request.impact().isBlank()) {
            values.put("impact", FieldValues.level("impact", request.impact()));
        }
        String start = date("planned start", request.plannedStart());
        String end = date("planned end", request.plannedEnd());
        if (start != null && end != null && start.compareTo(end) > 0) {
            throw invalidInput("The planned end (" + end + " UTC) is before the planned start (" + start + " UTC).");
        }
        FieldValues.putIfPresent(values, "start_date", start);
        FieldValues.putIfPresent(values, "end_date", end);
        if (request.assignmentGroup() != null && !request.assignmentGroup().isBlank()) {
            values.put("assignment_group", client.resolveReference("sys_user_group", "name", request.assignmentGroup()));
        }
        if (request.configurationItem() != null && !request.configurationItem().isBlank()) {
            values.put("cmdb_ci", client.resolveReference("cmdb_ci", "name", request.configurationItem()));
        }
        values.putAll(FieldValues.extra(request.extraFields(), SET_BY_STEP));
        values.put("correlation_display", CORRELATION_DISPLAY);
        SnRecord change = client.createChange(type.value(), template, values, correlationId).record();
        return ref(change);
    }

    /**
     * The extra fields of an update, checked before anything is sent: a pipeline cannot approve its own change or
     * move it around the parameters that do that properly.
     *
     * @throws ApiException {@link io.jenkins.plugins.servicenowflashduty.client.http.Problem#INVALID_INPUT} naming the field
     */
    public static Map<String, String> updateFields(Map<String, String> fields) {
        Map<String, String> checked = FieldValues.extra(fields, Set.of());
        for (String name : checked.keySet()) {
            if (APPROVAL.contains(name)) {
                throw invalidInput("fields: cannot set " + name + "; a change is approved by its approvers in ServiceNow, not by the pipeline.");
            }
            if (BY_PARAMETER.containsKey(name)) {
                throw invalidInput("fields: cannot set " + name + "; use the step's " + BY_PARAMETER.get(name) + " parameter.");
            }
            if (BY_SERVICENOW.contains(name)) {
                throw invalidInput("fields: cannot set " + name + "; ServiceNow and the plugin set it.");
            }
        }
        return checked;
    }

    /** Asks for approval: a normal change goes to Assess, an emergency one to Authorize; a standard one is pre-approved. */
    public ChangeRef requestApproval(ChangeRef change) {
        ChangeRef now = refresh(change);
        if (now.state() != ChangeState.NEW) {
            return now;
        }
        return switch (ChangeType.parse(now.type())) {
            case NORMAL -> moveTo(now, ChangeState.ASSESS);
            case EMERGENCY -> moveTo(now, ChangeState.AUTHORIZE);
            case STANDARD -> moveTo(now, ChangeState.SCHEDULED);
        };
    }

    /** The deployment starts: Scheduled becomes Implement (Open becomes Work in Progress in the legacy model). */
    public ChangeRef startImplementation(ChangeRef change) {
        // one decision for both forms: read the change, then implementFrom
        return join(refreshAsync(change).thenCompose(this::implementFrom));
    }

    /** Waits for an asynchronous operation, failing with its own exception (its sentence), not the JDK's wrapper. */
    static <T> T join(CompletableFuture<T> operation) {
        try {
            return operation.join();
        } catch (CompletionException e) {
            if (HttpTransport.unwrap(e) instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /**
     * Closes the change with the deployment's result, walking it through Implement and Review as the state
     * model requires. A change that never got approved is canceled instead, since it cannot be closed.
     */
    public ChangeRef close(ChangeRef change, CloseCode code, String notes) {
        ChangeRef now = refresh(change);
        String closeNotes = notes == null || notes.isBlank() ? "Closed by Jenkins: " + code.value() : notes;
        if (now.state().ended()) {
            return now;
        }
        if (!approved(now)) {
            return cancel(now, "Not approved, so not carried out. " + closeNotes);
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (legacy(now) || now.state() == ChangeState.UNKNOWN) {
            // the legacy model closes in one step: Closed Complete, or Closed Incomplete when it failed
            values.put("state", (code == CloseCode.UNSUCCESSFUL ? ChangeState.CANCELED : ChangeState.CLOSED).value());
        } else {
            if (now.state() == ChangeState.SCHEDULED) {
                now = moveTo(now, ChangeState.IMPLEMENT);
            }
            if (now.state() == ChangeState.IMPLEMENT) {
                now = moveTo(now, ChangeState.REVIEW);
            }
            values.put("state", ChangeState.CLOSED.value());
        }
        values.put("close_code", code.value());
        values.put("close_notes", closeNotes);
        return ref(client.update(TABLE, now.sysId(), values));
    }

    /**
     * {@link #startImplementation} without holding a thread while the requests are on their way, for a change the
     * caller read a moment ago ({@code known}: the poll that saw it approved): one request where the blocking form
     * makes two. Where the change has moved since (the state model refuses the move), it is read again and decided
     * as {@link #startImplementation} does.
     */
    public CompletableFuture<ChangeRef> startImplementationAsync(ChangeRef known) {
        if (known.state() != ChangeState.SCHEDULED) {
            return refreshAsync(known).thenCompose(this::implementFrom);
        }
        return moveToAsync(known, ChangeState.IMPLEMENT)
                .exceptionallyCompose(e -> refusedMove(e) ? refreshAsync(known).thenCompose(this::implementFrom) : CompletableFuture.failedFuture(e));
    }

    private CompletableFuture<ChangeRef> implementFrom(ChangeRef now) {
        if (now.state() == ChangeState.IMPLEMENT || now.state() == ChangeState.WORK_IN_PROGRESS) {
            return CompletableFuture.completedFuture(now);
        }
        if (legacy(now) && approved(now)) {
            return moveToAsync(now, ChangeState.WORK_IN_PROGRESS);
        }
        if (now.state() != ChangeState.SCHEDULED) {
            return CompletableFuture.failedFuture(new ApiException(Problem.REFUSED, 0, "Change " + now.number() + " is "
                    + now.state().label() + ", not Scheduled; it cannot be implemented before it is approved."));
        }
        return moveToAsync(now, ChangeState.IMPLEMENT);
    }

    /**
     * {@link #close} without holding a thread while the requests are on their way.
     *
     * @param known the change as the caller last had it
     * @param current whether {@code known} is current (the caller moved it to Implement a moment ago), so it need not
     *     be read again; a deployment that ran for a while is read again, since people may have acted on the change
     * @param blocking where a cancellation runs, since its work note must be written once (a blocking write)
     */
    public CompletableFuture<ChangeRef> closeAsync(ChangeRef known, boolean current, CloseCode code, String notes, Executor blocking) {
        String closeNotes = notes == null || notes.isBlank() ? "Closed by Jenkins: " + code.value() : notes;
        CompletableFuture<ChangeRef> now = current ? CompletableFuture.completedFuture(known) : refreshAsync(known);
        return now.thenCompose(c -> closeFrom(c, code, closeNotes, blocking)).exceptionallyCompose(e -> current && refusedMove(e)
                ? refreshAsync(known).thenCompose(c -> closeFrom(c, code, closeNotes, blocking)) : CompletableFuture.failedFuture(e));
    }

    private CompletableFuture<ChangeRef> closeFrom(ChangeRef now, CloseCode code, String closeNotes, Executor blocking) {
        if (now.state().ended()) {
            return CompletableFuture.completedFuture(now);
        }
        if (!approved(now)) {
            return CompletableFuture.supplyAsync(() -> cancel(now, "Not approved, so not carried out. " + closeNotes), blocking);
        }
        Map<String, String> values = new LinkedHashMap<>();
        CompletableFuture<ChangeRef> ready = CompletableFuture.completedFuture(now);
        if (legacy(now) || now.state() == ChangeState.UNKNOWN) {
            values.put("state", (code == CloseCode.UNSUCCESSFUL ? ChangeState.CANCELED : ChangeState.CLOSED).value());
        } else {
            if (now.state() == ChangeState.SCHEDULED) {
                ready = moveToAsync(now, ChangeState.IMPLEMENT);
            }
            ready = ready.thenCompose(c -> c.state() == ChangeState.IMPLEMENT ? moveToAsync(c, ChangeState.REVIEW) : CompletableFuture.completedFuture(c));
            values.put("state", ChangeState.CLOSED.value());
        }
        values.put("close_code", code.value());
        values.put("close_notes", closeNotes);
        return ready.thenCompose(c -> client.updateAsync(TABLE, c.sysId(), values)).thenApply(this::ref);
    }

    /** The state model (or a rule) refused a move: the change is no longer where the caller thought it was. */
    private static boolean refusedMove(Throwable failure) {
        return HttpTransport.unwrap(failure) instanceof ApiException e && (e.problem() == Problem.REFUSED || e.problem() == Problem.FORBIDDEN
                || e.problem() == Problem.INVALID_INPUT && e.status() == 400);
    }

    private CompletableFuture<ChangeRef> refreshAsync(ChangeRef change) {
        return client.getAsync(TABLE, change.sysId(), FIELDS).thenApply(this::ref);
    }

    private CompletableFuture<ChangeRef> moveToAsync(ChangeRef change, ChangeState state) {
        return client.updateAsync(TABLE, change.sysId(), Map.of("state", state.value())).thenApply(this::ref);
    }

    /** States only the legacy model has. */
    private static boolean legacy(ChangeRef c) {
        return c.state() == ChangeState.OPEN || c.state() == ChangeState.WORK_IN_PROGRESS;
    }

    /**
     * Whether a deployment may still start for this change: approved, and not moved on by a person since (to Review,
     * or closed or canceled, where the approval field still says "approved").
     */
    public static boolean deployable(ChangeRef c) {
        return !c.state().ended() && c.state() != ChangeState.REVIEW && approved(c);
    }

    /** Approved by the state model, or, where the state says nothing about it, by the approval field. */
    private static boolean approved(ChangeRef c) {
        return c.state().silentOnApproval() ? "approved".equals(c.approval()) : c.state().approved();
    }

    /**
     * Writes a deployment's evidence on the change before it is closed: the note (once, even when the request is
     * repeated) and the actual start and end ({@code work_start}, {@code work_end}).
     */
    public void recordEvidence(ChangeRef change, Evidence evidence, Instant workStart, Instant workEnd) {
        join(recordEvidenceAsync(change, evidence, workStart, workEnd));
    }

    /**
     * {@link #recordEvidence} without holding a thread: the note names the build, so a repeat after a lost answer
     * finds it instead of writing it twice.
     */
    public CompletableFuture<SnRecord> recordEvidenceAsync(ChangeRef change, Evidence evidence, Instant workStart, Instant workEnd) {
        return recordEvidenceAsync(change, evidence, workStart, workEnd, null);
    }

    /**
     * {@link #recordEvidenceAsync(ChangeRef, Evidence, Instant, Instant)} once more after a restart: a note of this
     * build that an earlier run may have written (by its heading; its figures may differ) is looked for first.
     *
     * @param sentBefore since when an earlier run may have sent it, or null when none did
     */
    public CompletableFuture<SnRecord> recordEvidenceAsync(ChangeRef change, Evidence evidence, Instant workStart, Instant workEnd,
                                                           Instant sentBefore) {
        Map<String, String> values = evidenceValues(evidence, workStart, workEnd);
        return sentBefore == null ? client.updateWithUniqueNoteAsync(TABLE, change.sysId(), values)
                : client.updateWithUniqueNoteAsync(TABLE, change.sysId(), values, sentBefore, evidence.heading());
    }

    /**
     * The evidence and the move to Review in one write, for a change the caller moved to Implement a moment ago: a
     * deployment's close is then two writes (this one, and Closed) instead of three. Where the state model refuses the
     * move (a person moved the change meanwhile), the evidence is written alone. Completes with the change as the write
     * left it, for {@link #closeAsync}.
     */
    public CompletableFuture<ChangeRef> recordEvidenceInReviewAsync(ChangeRef implementing, Evidence evidence, Instant workStart,
                                                                    Instant workEnd) {
        if (implementing.state() != ChangeState.IMPLEMENT) {
            return recordEvidenceAsync(implementing, evidence, workStart, workEnd).thenApply(written -> implementing);
        }
        Map<String, String> values = evidenceValues(evidence, workStart, workEnd);
        values.put("state", ChangeState.REVIEW.value());
        return client.updateWithUniqueNoteAsync(TABLE, implementing.sysId(), values).thenApply(this::ref)
                .exceptionallyCompose(e -> refusedMove(e)
                        ? recordEvidenceAsync(implementing, evidence, workStart, workEnd).thenApply(written -> implementing)
                        : CompletableFuture.failedFuture(e));
    }

    private static Map<String, String> evidenceValues(Evidence evidence, Instant workStart, Instant workEnd) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("work_notes", evidence.note());
        if (workStart != null) {
            values.put("work_start", SN_DATE.format(workStart.atOffset(ZoneOffset.UTC)));
        }
        if (workEnd != null) {
            values.put("work_end", SN_DATE.format(workEnd.atOffset(ZoneOffset.UTC)));
        }
        return values;
    }

    /** Cancels the change, saying why in a work note. */
    public ChangeRef cancel(ChangeRef change, String reason) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("state", (legacy(change) ? ChangeState.CLOSED_SKIPPED : ChangeState.CANCELED).value());
        if (reason != null && !reason.isBlank()) {
            values.put("work_notes", reason);
        }
        return ref(client.update(TABLE, change.sysId(), values));
    }

    /** The change as ServiceNow has it now. */
    public ChangeRef refresh(ChangeRef change) {
        return ref(client.get(TABLE, change.sysId(), FIELDS));
    }

    ChangeRef moveTo(ChangeRef change, ChangeState state) {
        return ref(client.update(TABLE, change.sysId(), Map.of("state", state.value())));
    }

    private ChangeRef ref(SnRecord r) {
        return new ChangeRef(r.sysId(), r.number(), r.get("type"), ChangeState.fromServer(r.get("state")), r.get("approval"),
                client.recordUrl(TABLE, r.sysId()), r.ignoredFields());
    }

    /** The change this build opened with this correlation id, if it got that far. */
    public Optional<ChangeRef> findOpened(String correlationId) {
        return client.query(TABLE, TableQuery.where("correlation_id").is(correlationId), 2,
                        "sys_id", "number", "type", "state", "approval", "correlation_id").stream()
                .filter(r -> correlationId.equals(r.get("correlation_id"))) // guards against a query ServiceNow ignored
                .findFirst().map(this::ref);
    }

    /**
     * A change named by its number ({@code CHG0030001}) or its sys_id.
     *
     * @throws ApiException {@link Problem#INVALID_INPUT} for a malformed reference, {@link Problem#NOT_FOUND} when there is no such change
     */
    public ChangeRef find(String numberOrSysId) {
        if (numberOrSysId == null || numberOrSysId.isBlank()) {
            throw invalidInput("No change was named; give its number (e.g. CHG0030001) or its sys_id.");
        }
        String v = numberOrSysId.strip();
        if (Tables.isSysId(v)) {
            return refresh(new ChangeRef(v, v, "", ChangeState.UNKNOWN, "", ""));
        }
        if (!v.toUpperCase(Locale.ROOT).startsWith("CHG")) {
            throw invalidInput("'" + v + "' is not a change number or sys_id; change numbers look like CHG0030001.");
        }
        return client.findByNumber(v, FIELDS).map(this::ref).orElseThrow(() -> new ApiException(Problem.NOT_FOUND, 404,
                "ServiceNow has no change " + v.toUpperCase(Locale.ROOT) + ", or the user may not read it."));
    }

    /** Moves the change to a state; ServiceNow refuses (with a sentence) what its state model does not allow. */
    public ChangeRef setState(ChangeRef change, ChangeState state) {
        return moveTo(change, state);
    }

    /** Unique to this creation, so a retried create finds its own change and nothing else. */
    public static String newCorrelationId(BuildContext build) {
        String suffix = ":" + build.buildNumber() + ":" + Texts.randomHex(6);
        String job = build.jobFullName().replace('^', '_').replace(',', '_');
        int room = 100 - "jenkins-change:".length() - suffix.length();
        return "jenkins-change:" + Keys.keepEnd(job, room) + suffix;
    }

    private static String buildDetails(BuildContext build) {
        String lines = build.detailLines();
        return "Requested by Jenkins build " + build.displayName() + "." + (lines.isEmpty() ? "" : "\n" + lines);
    }

    static String risk(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT).replace('_', ' ')) {
            case "1", "very high" -> "1";
            case "2", "high" -> "2";
            case "3", "moderate", "medium" -> "3";
            case "4", "low" -> "4";
            default -> throw invalidInput("'" + text + "' is not a change risk; use 1 (very high), 2 (high), 3 (moderate) or 4 (low).");
        };
    }

    /** ServiceNow's UTC {@code yyyy-MM-dd HH:mm:ss}, from that same form or ISO-8601 with an offset. */
    static String date(String what, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        try {
            if (SN_DATE_TEXT.matcher(t).matches()) {
                return SN_DATE.format(LocalDateTime.parse(t, SN_DATE_STRICT)); // a 13th month or a 30th of February is no date
            }
            return SN_DATE.format(OffsetDateTime.parse(t).withOffsetSameInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw invalidInput("The " + what + " '" + text + "' is not a date; use yyyy-MM-dd HH:mm:ss (UTC) or ISO-8601 such as 2026-11-23T22:00:00+01:00.");
        }
    }
}
