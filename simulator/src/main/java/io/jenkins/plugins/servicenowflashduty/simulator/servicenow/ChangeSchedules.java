package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Blackout and maintenance schedules and what the change conflict plugin does with them: conflict detection for a
 * change's planned window and configuration items (blackouts, maintenance windows, other changes on the same item),
 * and moving a change to the first slot free of them.
 *
 * <p>Schedules are records as on an instance: {@code cmn_schedule} (its {@code type} blackout or maintenance),
 * their spans in {@code cmn_schedule_span} ({@code start_date_time}/{@code end_date_time} as
 * {@code yyyyMMdd'T'HHmmss} in the schedule's time zone) and, for a schedule that covers only some items, a
 * {@code cmn_schedule_condition} on {@code cmdb_ci}. A check's findings are {@code conflict} records.
 */
public final class ChangeSchedules {
    static final DateTimeFormatter SPAN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    /** A conflict check's job as the API reports it: running until read once more, then complete. */
    static final String JOB_RUNNING = "1";
    static final String JOB_COMPLETE = "2";
    static final String JOB_CANCELED = "3";
    private static final Set<String> ENDED_CHANGE_STATES = Set.of("3", "4", "0");
    private static final Duration DEFAULT_DURATION = Duration.ofHours(1);
    private static final Duration FIRST_AVAILABLE_HORIZON = Duration.ofDays(90);

    private final ServiceNowInstance instance;
    private final Map<String, CheckRun> runs = new ConcurrentHashMap<>();
    private volatile boolean conflictPluginInstalled = true;

    /** A conflict check of one change: reads until it completes, and its result. */
    private static final class CheckRun {
        final String workerId;
        int reads;
        String jobStatus = JOB_RUNNING;

        CheckRun(String workerId) {
            this.workerId = workerId;
        }
    }

    ChangeSchedules(ServiceNowInstance instance) {
        this.instance = instance;
    }

    /** An instance without the conflict plugin answers its routes as unknown resources. */
    public void setConflictPluginInstalled(boolean installed) {
        conflictPluginInstalled = installed;
    }

    public boolean conflictPluginInstalled() {
        return conflictPluginInstalled;
    }

    /**
     * Adds a blackout or maintenance schedule with one span, in UTC.
     *
     * @param type {@code blackout} or {@code maintenance}
     * @param ciNames the configuration items it covers; empty for every item
     * @return the schedule record
     */
    public Map<String, String> addSchedule(String type, String name, Instant start, Instant end, List<String> ciNames) {
        if (!type.equals("blackout") && !type.equals("maintenance")) {
            throw new IllegalArgumentException("A schedule's type is blackout or maintenance, not '" + type + "'.");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A schedule needs a name.");
        }
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("A schedule's end must come after its start.");
        }
        List<String> ciIds = new ArrayList<>();
        for (String ci : ciNames) {
            ciIds.add(instance.findBy("cmdb_ci", "name", ci).map(r -> r.get("sys_id"))
                    .orElseThrow(() -> new IllegalArgumentException("There is no configuration item named '" + ci + "'.")));
        }
        Map<String, String> schedule = instance.insert("cmn_schedule", Map.of("name", name, "type", type, "time_zone", "UTC"));
        String id = schedule.get("sys_id");
        instance.insert("cmn_schedule_span", Map.of("schedule", id, "name", name,
                "start_date_time", SPAN_TIME.format(start.atOffset(ZoneOffset.UTC)),
                "end_date_time", SPAN_TIME.format(end.atOffset(ZoneOffset.UTC)), "repeat_type", ""));
        if (!ciIds.isEmpty()) {
            instance.insert("cmn_schedule_condition", Map.of("schedule", id, "applies_to", "cmdb_ci",
                    "condition", "sys_idIN" + String.join(",", ciIds)));
        }
        return schedule;
    }

    /** Removes every schedule (and the conflicts found against them). */
    public void clearSchedules() {
        for (String table : List.of("cmn_schedule_condition", "cmn_schedule_span", "cmn_schedule", "conflict")) {
            instance.records(table).forEach(r -> instance.delete(table, r.get("sys_id"), Actor.SYSTEM));
        }
    }

    // ---------------------------------------------------------------- conflict checks

    /** {@code POST .../conflict}: starts a check of the change as it is stored now. */
    String startCheck(Map<String, String> change) {
        window(change).orElseThrow(() -> SnErrors.error(400, "Conflict detection cannot run",
                "The change request has no planned start and end dates"));
        String workerId = io.jenkins.plugins.servicenowflashduty.simulator.http.Ids.hex32();
        runs.put(change.get("sys_id"), new CheckRun(workerId));
        return workerId;
    }

    /**
     * {@code GET .../conflict}: the check's progress; it completes at the second read, writing its conflicts and the
     * change's {@code conflict_status} then.
     */
    Status status(Map<String, String> change) {
        String id = change.get("sys_id");
        CheckRun run = runs.get(id);
        if (run == null) {
            return new Status(change.get("conflict_status"), change.get("conflict_last_run"), "", conflicts(id));
        }
        synchronized (run) {
            if (run.jobStatus.equals(JOB_RUNNING) && ++run.reads >= 2) {
                complete(change);
                run.jobStatus = JOB_COMPLETE;
            }
            Map<String, String> now = instance.record("change_request", id).orElse(change);
            // as the API documents it: a finished check reports "Conflict" whether or not it found any; the list tells
            return new Status(run.jobStatus.equals(JOB_RUNNING) ? "Not Run" : "Conflict", now.get("conflict_last_run"),
                    run.jobStatus, run.jobStatus.equals(JOB_COMPLETE) ? conflicts(id) : List.of());
        }
    }

    /** {@code DELETE .../conflict}: cancels a running check. */
    void cancel(Map<String, String> change) {
        CheckRun run = runs.get(change.get("sys_id"));
        if (run == null || !run.jobStatus.equals(JOB_RUNNING)) {
            throw SnErrors.error(400, "Cancel request failed", "No conflict check is running for this change request");
        }
        run.jobStatus = JOB_CANCELED;
    }

    /** What a check reports. */
    record Status(String status, String lastRun, String jobStatus, List<Map<String, String>> conflicts) {
    }

    private List<Map<String, String>> conflicts(String changeId) {
        return instance.query("conflict", "change=" + changeId);
    }

    private void complete(Map<String, String> change) {
        String id = change.get("sys_id");
        instance.query("conflict", "change=" + id).forEach(r -> instance.delete("conflict", r.get("sys_id"), Actor.SYSTEM));
        List<Map<String, String>> found = detect(instance.record("change_request", id).orElse(change));
        found.forEach(c -> instance.insert("conflict", c));
        instance.overwrite("change_request", id, Map.of("conflict_status", found.isEmpty() ? "No Conflict" : "Conflict",
                "conflict_last_run", instance.now()));
    }

    /** The conflicts of a change's planned window: blackouts, missed maintenance windows, other changes on its items. */
    List<Map<String, String>> detect(Map<String, String> change) {
        Optional<Window> planned = window(change);
        if (planned.isEmpty()) {
            return List.of();
        }
        Window w = planned.get();
        String id = change.get("sys_id");
        Set<String> cis = items(change);
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> schedule : instance.records("cmn_schedule")) {
            String type = schedule.get("type");
            List<Window> spans = spans(schedule.get("sys_id"));
            List<String> covered = covered(schedule.get("sys_id"), cis);
            if (type.equals("blackout") && spans.stream().anyMatch(w::overlaps)) {
                if (covered.isEmpty() && !conditional(schedule.get("sys_id"))) {
                    out.add(conflict(id, "blackout", schedule.get("sys_id"), change.get("cmdb_ci"), ""));
                }
                covered.forEach(ci -> out.add(conflict(id, "blackout", schedule.get("sys_id"), ci, "")));
            } else if (type.equals("maintenance") && spans.stream().noneMatch(s -> s.contains(w))) {
                covered.forEach(ci -> out.add(conflict(id, "not_in_maintenance_window", schedule.get("sys_id"), ci, "")));
            }
        }
        if (!change.get("cmdb_ci").isEmpty()) {
            for (Map<String, String> other : instance.query("change_request", "cmdb_ci=" + change.get("cmdb_ci") + "^sys_id!=" + id)) {
                if (!ENDED_CHANGE_STATES.contains(other.get("state")) && window(other).filter(w::overlaps).isPresent()) {
                    out.add(conflict(id, "ci_already_scheduled", "", change.get("cmdb_ci"), other.get("sys_id")));
                }
            }
        }
        return out;
    }

    private static Map<String, String> conflict(String change, String type, String schedule, String ci, String otherChange) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("change", change);
        c.put("type", type);
        c.put("schedule", schedule);
        c.put("configuration_item", ci == null ? "" : ci);
        c.put("conflicting_change", otherChange);
        return c;
    }

    /** The change's items: its {@code cmdb_ci} and those in {@code task_ci}. */
    private Set<String> items(Map<String, String> change) {
        Set<String> cis = new LinkedHashSet<>();
        if (!change.get("cmdb_ci").isEmpty()) {
            cis.add(change.get("cmdb_ci"));
        }
        instance.query("task_ci", "task=" + change.get("sys_id")).forEach(r -> cis.add(r.get("ci_item")));
        return cis;
    }

    private boolean conditional(String scheduleId) {
        return !instance.query("cmn_schedule_condition", "schedule=" + scheduleId).isEmpty();
    }

    /** Which of the items a schedule covers: all of them when it has no condition. */
    private List<String> covered(String scheduleId, Set<String> cis) {
        List<Map<String, String>> conditions = instance.query("cmn_schedule_condition", "schedule=" + scheduleId);
        if (conditions.isEmpty()) {
            return List.copyOf(cis);
        }
        List<String> out = new ArrayList<>();
        for (String ci : cis) {
            if (conditions.stream().anyMatch(c -> !instance.query("cmdb_ci", c.get("condition") + "^sys_id=" + ci).isEmpty())) {
                out.add(ci);
            }
        }
        return out;
    }

    private List<Window> spans(String scheduleId) {
        List<Window> out = new ArrayList<>();
        for (Map<String, String> span : instance.query("cmn_schedule_span", "schedule=" + scheduleId)) {
            try {
                out.add(new Window(LocalDateTime.parse(span.get("start_date_time"), SPAN_TIME).toInstant(ZoneOffset.UTC),
                        LocalDateTime.parse(span.get("end_date_time"), SPAN_TIME).toInstant(ZoneOffset.UTC)));
            } catch (DateTimeParseException e) {
                // a span this simulator cannot read covers nothing
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- workers

    /** An asynchronous request of the Change API ({@code schedule}, {@code affected}): waiting until first read, then done. */
    static final class Worker {
        final String sysId = io.jenkins.plugins.servicenowflashduty.simulator.http.Ids.hex32();
        final String type;
        final String request;
        final java.util.function.Supplier<String> work;
        int state = 1;
        String info = "";
        String error = "";

        Worker(String type, String request, java.util.function.Supplier<String> work) {
            this.type = type;
            this.request = request;
            this.work = work;
        }
    }

    private final Map<String, Worker> workers = new ConcurrentHashMap<>();

    /** Queues work the way the Change API does: it runs when the worker is next read. */
    Worker queue(String type, String request, java.util.function.Supplier<String> work) {
        Worker w = new Worker(type, request, work);
        workers.put(w.sysId, w);
        return w;
    }

    /** {@code GET .../change/worker/{sys_id}}: runs queued work, then reports it Complete (3) or Error (4). */
    Map<String, Object> worker(String sysId) {
        Worker w = workers.get(sysId);
        if (w == null) {
            throw SnErrors.notFound();
        }
        synchronized (w) {
            if (w.state == 1) {
                try {
                    w.info = w.work.get();
                    w.state = 3;
                } catch (RuntimeException e) {
                    w.error = e.getMessage();
                    w.state = 4;
                }
            }
        }
        return workerBody(w);
    }

    static Map<String, Object> workerBody(Worker w) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("worker", Map.of("sysId", w.sysId, "link", "/api/sn_chg_rest/change/worker/" + w.sysId));
        result.put("request", w.request);
        String[] labels = {"", "Waiting", "In-Progress", "Complete", "Error"};
        result.put("state", Map.of("value", w.state, "display_value", labels[w.state]));
        result.put("type", w.type);
        result.put("messages", Map.of("errorMessages", w.error.isEmpty() ? List.of() : List.of(w.error), "warningMessages", List.of(),
                "infoMessages", w.info.isEmpty() ? List.of() : List.of(w.info)));
        return result;
    }

    /** What a queued worker answers at once. */
    Map<String, Object> accepted(Worker w) {
        return workerBody(w);
    }

    // ---------------------------------------------------------------- scheduling

    /**
     * {@code PATCH .../schedule/first_available}: moves the change's planned window to the first slot from now that
     * no blackout covers and no other change on its item holds, keeping its planned duration (or the one given).
     */
    Map<String, String> firstAvailable(Map<String, String> change, Duration requested) {
        Duration length = requested != null ? requested : window(change).map(Window::length).orElse(DEFAULT_DURATION);
        if (change.getOrDefault("cmdb_ci", "").isEmpty()) {
            throw SnErrors.error(400, "Invalid request", "The specified change request doesn't have an associated configuration item (cmdb_ci).");
        }
        Instant now = instance.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant candidate = now;
        Instant horizon = now.plus(FIRST_AVAILABLE_HORIZON);
        Map<String, String> probe = new LinkedHashMap<>(change);
        while (candidate.isBefore(horizon)) {
            Window w = new Window(candidate, candidate.plus(length));
            probe.put("start_date", Dates.format(w.start()));
            probe.put("end_date", Dates.format(w.end()));
            List<Map<String, String>> found = detect(probe);
            if (found.isEmpty()) {
                return instance.update("change_request", change.get("sys_id"), Map.of("start_date", Dates.format(w.start()),
                        "end_date", Dates.format(w.end())), Actor.SYSTEM, false);
            }
            candidate = nextCandidate(found, w, candidate);
        }
        throw new IllegalStateException("No slots found for " + FIRST_AVAILABLE_HORIZON.toDays() + " days from now");
    }

    /** After a slot with conflicts: the end of the earliest thing in the way, or a quarter of an hour on. */
    private Instant nextCandidate(List<Map<String, String>> found, Window tried, Instant candidate) {
        Instant next = null;
        for (Map<String, String> c : found) {
            List<Window> blocking = new ArrayList<>();
            if (!c.get("schedule").isEmpty() && c.get("type").equals("blackout")) {
                blocking.addAll(spans(c.get("schedule")).stream().filter(tried::overlaps).toList());
            } else if (!c.get("conflicting_change").isEmpty()) {
                instance.record("change_request", c.get("conflicting_change")).flatMap(ChangeSchedules::window).ifPresent(blocking::add);
            }
            for (Window b : blocking) {
                if (b.end().isAfter(candidate) && (next == null || b.end().isBefore(next))) {
                    next = b.end();
                }
            }
        }
        return next != null ? next : candidate.plus(Duration.ofMinutes(15));
    }

    /** A stored change's planned window, when it has both ends. */
    static Optional<Window> window(Map<String, String> change) {
        String start = change.getOrDefault("start_date", "");
        String end = change.getOrDefault("end_date", "");
        if (start.isEmpty() || end.isEmpty()) {
            return Optional.empty();
        }
        Optional<Instant> from = Dates.parse(start);
        Optional<Instant> to = Dates.parse(end);
        return from.isPresent() && to.isPresent() ? Optional.of(new Window(from.get(), to.get())) : Optional.empty();
    }

    /** A span of time, its end excluded. */
    record Window(Instant start, Instant end) {
        boolean overlaps(Window o) {
            return start.isBefore(o.end) && o.start.isBefore(end);
        }

        boolean contains(Window o) {
            return !o.start.isBefore(start) && !o.end.isAfter(end);
        }

        Duration length() {
            return Duration.between(start, end);
        }
    }
}
