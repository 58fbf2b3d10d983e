package io.jenkins.plugins.servicenowflashduty.client.change;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpTransport;
import io.jenkins.plugins.servicenowflashduty.client.http.Timers;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.Tables;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * When a change may be carried out: its planned window, the configuration items it touches, ServiceNow's conflict
 * detection (blackouts, maintenance windows, other changes on the same items) and its first free slot. Conflict
 * detection and scheduling need the Change Management API with the change conflict plugin; where an instance lacks
 * them, each says so in one sentence instead of answering as if there were no conflicts.
 */
public final class ChangeScheduling {
    /** How long a conflict check may run before it is canceled. */
    public static final Duration CHECK_TIMEOUT = Duration.ofMinutes(5);
    private static final DateTimeFormatter SPAN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);
    private static final String JOB_COMPLETE = "2";
    private static final String JOB_CANCELED = "3";

    private final ServiceNowClient client;
    private final BiConsumer<Duration, Runnable> pause;
    private final Supplier<Instant> clock;

    public ChangeScheduling(ServiceNowClient client) {
        this(client, (d, task) -> Timers.after(d.toMillis(), task), Instant::now);
    }

    /**
     * @param pause runs a task after a pause without holding a thread while it waits (a check may take minutes)
     */
    public ChangeScheduling(ServiceNowClient client, BiConsumer<Duration, Runnable> pause, Supplier<Instant> clock) {
        this.client = client;
        this.pause = pause;
        this.clock = clock;
    }

    /** The change's planned window as ServiceNow has it now, with its state (a window is read again before it is used). */
    public Planned planned(ChangeRef change) {
        SnRecord r = client.get(Changes.TABLE, change.sysId(), "sys_id", "number", "type", "state", "approval", "start_date", "end_date");
        return new Planned(new ChangeRef(r.sysId(), r.number(), r.get("type"), ChangeState.fromServer(r.get("state")), r.get("approval"),
                change.url()), ChangeWindow.of(r));
    }

    /** A change and its planned window, read together. */
    public record Planned(ChangeRef change, ChangeWindow window) {
    }

    /** Associates configuration items (by name or sys_id) with the change as affected items, for conflict detection. */
    public void addConfigurationItems(ChangeRef change, List<String> names) {
        Changes.join(addConfigurationItemsAsync(change, names));
    }

    /**
     * {@link #addConfigurationItems}: the items are looked up and the association asked for at once; the future ends
     * when ServiceNow's worker has made it, without a thread held meanwhile.
     */
    public CompletableFuture<Void> addConfigurationItemsAsync(ChangeRef change, List<String> names) {
        List<String> ids = new ArrayList<>();
        for (String name : names) {
            if (name != null && !name.isBlank()) {
                ids.add(client.resolveReference("cmdb_ci", "name", name.strip()));
            }
        }
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String what = "add configuration items to change " + change.number();
        JsonNode accepted = client.changeApi("POST", change.sysId(), "ci", Map.of("cmdb_ci_sys_ids", String.join(",", ids),
                "association_type", "affected"), what).orElseThrow(() -> missing(what));
        return awaitWorker(accepted, what); // associated before the conflict check looks at them
    }

    /**
     * Runs ServiceNow's conflict detection for the change and waits for it (a few seconds; at most
     * {@link #CHECK_TIMEOUT}, after which the check is canceled).
     *
     * @throws ApiException {@link Problem#NOT_FOUND} when the instance has no conflict detection, {@link Problem#INVALID_INPUT}
     *     when the change has no planned window, {@link Problem#TIMEOUT}
     */
    public List<Conflict> checkConflicts(ChangeRef change, ChangeWindow window) {
        return Changes.join(checkConflictsAsync(change, window, ForkJoinPool.commonPool()));
    }

    /**
     * {@link #checkConflicts}: the check is started at once, and its end awaited on timers, without a thread.
     *
     * @param blocking where the requests that follow the check run (a blackout's span, a cancellation): not on the
     *     HTTP client's or the timers' threads, which every build shares
     */
    public CompletableFuture<List<Conflict>> checkConflictsAsync(ChangeRef change, ChangeWindow window, Executor blocking) {
        if (!window.hasStart() || window.end() == null) {
            throw invalidInput("Conflicts are checked for a planned window; give change " + change.number()
                    + " a planned start and end (plannedStart:, plannedEnd: or plannedDurationMinutes:).");
        }
        String what = "check conflicts of change " + change.number();
        client.changeApi("POST", change.sysId(), "conflict", null, what).orElseThrow(() -> missing(what));
        String path = Tables.sysId(change.sysId()) + "/conflict";
        return poll(path, what, Duration.ofMillis(500), status -> {
            String job = text(status.path("job_status"));
            if (job.equals(JOB_CANCELED)) {
                throw new ApiException(Problem.REFUSED, 0, "ServiceNow's conflict check of change " + change.number()
                        + " was canceled before it finished; run the build again to check once more.");
            }
            return job.equals(JOB_COMPLETE) ? Optional.of(status.path("conflicts")) : Optional.empty();
        }, blocking, () -> {
            cancelQuietly(change, what);
            return new ApiException(Problem.TIMEOUT, 0, "ServiceNow's conflict check of change " + change.number() + " did not finish within "
                    + CHECK_TIMEOUT.toMinutes() + " minutes, so it was canceled; the deployment does not run unchecked.");
        }).thenApplyAsync(found -> conflicts(found, window), blocking); // a blackout's end is read with further requests
    }

    private void cancelQuietly(ChangeRef change, String what) {
        try {
            client.changeApi("DELETE", change.sysId(), "conflict", null, what);
        } catch (ApiException e) {
            // the check ends by itself; nothing waits for it any more
        }
    }

    /**
     * Asks ServiceNow to move the change to the first slot free of conflicts, keeping its planned duration (an hour
     * when it has none), and waits for ServiceNow's worker to do it. The change needs a configuration item.
     */
    public ChangeWindow firstAvailable(ChangeRef change) {
        return Changes.join(firstAvailableAsync(change));
    }

    /** {@link #firstAvailable}, with ServiceNow's worker awaited on timers, without a thread. */
    public CompletableFuture<ChangeWindow> firstAvailableAsync(ChangeRef change) {
        ChangeWindow before = planned(change).window();
        Duration length = before.hasStart() && before.end() != null ? Duration.between(before.start(), before.end()) : Duration.ofHours(1);
        String what = "schedule change " + change.number() + " into its first available slot";
        JsonNode accepted = client.changeApi("PATCH", change.sysId(), "schedule/first_available",
                Map.of("duration_in_seconds", Long.toString(length.toSeconds())), what).orElseThrow(() -> missing(what));
        return awaitWorker(accepted, what)
                .thenCompose(done -> client.getAsync(Changes.TABLE, change.sysId(), "start_date", "end_date"))
                .thenApply(r -> {
                    ChangeWindow window = ChangeWindow.of(r);
                    if (!window.hasStart()) {
                        throw new ApiException(Problem.UNEXPECTED_RESPONSE, 0, "ServiceNow scheduled change " + change.number()
                                + " but it has no planned start afterwards; check the change in ServiceNow.");
                    }
                    return window;
                });
    }

    /**
     * Waits for a Change API worker ({@code /change/worker/{sys_id}}) to finish: state 3 (Complete), or 4 (Error) with its
     * messages as the sentence.
     */
    private CompletableFuture<Void> awaitWorker(JsonNode accepted, String what) {
        String workerId = text(accepted.path("worker").path("sysId"));
        if (workerId.isEmpty()) {
            return CompletableFuture.completedFuture(null); // answered at once, without a worker
        }
        return poll("worker/" + Tables.sysId(workerId), what, Duration.ofMillis(250), w -> {
            String state = text(w.path("state").path("value"));
            String shown = text(w.path("state").path("display_value"));
            if (state.startsWith("4") || shown.equalsIgnoreCase("Error")) {
                List<String> errors = new ArrayList<>();
                w.path("messages").path("errorMessages").forEach(m -> errors.add(m.asText()));
                throw new ApiException(Problem.REFUSED, 0, "ServiceNow could not " + what + ": "
                        + (errors.isEmpty() ? "its worker ended in an error" : String.join("; ", errors)) + ".");
            }
            return state.startsWith("3") || shown.equalsIgnoreCase("Complete") ? Optional.of(Boolean.TRUE) : Optional.empty();
        }, Runnable::run, () -> new ApiException(Problem.TIMEOUT, 0, "ServiceNow did not " + what + " within " + CHECK_TIMEOUT.toMinutes() + " minutes."))
                .thenApply(done -> null);
    }

    /**
     * Reads a Change API path until {@code answer} finds what it waits for, pausing (from {@code first}, doubling up
     * to 5 s) on timers between the reads, for at most {@link #CHECK_TIMEOUT}; then the failure {@code late} makes, on
     * {@code blocking} (it may send a request). {@code answer} only reads the answer: it runs on the HTTP client's thread.
     */
    private <T> CompletableFuture<T> poll(String path, String what, Duration first, Function<JsonNode, Optional<T>> answer,
                                          Executor blocking, Supplier<ApiException> late) {
        CompletableFuture<T> result = new CompletableFuture<>();
        read(new Poll<>(path, what, answer, blocking, late, clock.get().plus(CHECK_TIMEOUT), result), first);
        return result;
    }

    private record Poll<T>(String path, String what, Function<JsonNode, Optional<T>> answer, Executor blocking, Supplier<ApiException> late,
                           Instant deadline, CompletableFuture<T> result) {
    }

    private <T> void read(Poll<T> p, Duration next) {
        CompletableFuture<Optional<JsonNode>> reading;
        try {
            reading = client.changeApiAtAsync("GET", p.path(), null, p.what());
        } catch (RuntimeException e) {
            p.result().completeExceptionally(e);
            return;
        }
        reading.whenComplete((status, failure) -> {
            try {
                if (failure != null) {
                    p.result().completeExceptionally(HttpTransport.unwrap(failure));
                    return;
                }
                Optional<T> found = p.answer().apply(status.orElseThrow(() -> missing(p.what())));
                if (found.isPresent()) {
                    p.result().complete(found.get());
                } else if (!clock.get().isBefore(p.deadline())) {
                    p.blocking().execute(() -> {
                        try {
                            p.result().completeExceptionally(p.late().get());
                        } catch (RuntimeException e) {
                            p.result().completeExceptionally(e);
                        }
                    });
                } else {
                    Duration after = next.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : next.multipliedBy(2);
                    pause.accept(next, () -> read(p, after));
                }
            } catch (RuntimeException e) {
                p.result().completeExceptionally(e);
            }
        });
    }

    /**
     * Whether the conflicts refuse the deployment, and why, in one sentence: a blackout does (except for an emergency
     * change, which goes ahead), other conflicts only when the pipeline asks for that.
     */
    public static Optional<String> refusal(ChangeRef change, ChangeType type, List<Conflict> conflicts, boolean failOnConflict) {
        List<Conflict> blackouts = conflicts.stream().filter(Conflict::isBlackout).toList();
        if (!blackouts.isEmpty() && type != ChangeType.EMERGENCY) {
            return Optional.of("Change " + change.number() + " falls in the " + blackouts.stream().map(Conflict::describe).distinct()
                    .collect(Collectors.joining(", ")) + "; the deployment does not run in a blackout. Plan the change after it "
                    + "(or use scheduleFirstAvailable: true); only an emergency change goes ahead in a blackout.");
        }
        List<Conflict> others = conflicts.stream().filter(c -> !c.isBlackout()).toList();
        if (!others.isEmpty() && failOnConflict) {
            return Optional.of("Change " + change.number() + " has conflicts: " + others.stream().map(Conflict::describe).distinct()
                    .collect(Collectors.joining("; ")) + ". failOnConflict is set, so the deployment does not run.");
        }
        return Optional.empty();
    }

    private List<Conflict> conflicts(JsonNode list, ChangeWindow window) {
        List<Conflict> out = new ArrayList<>();
        Map<String, Optional<Instant>> ends = new LinkedHashMap<>();
        for (JsonNode c : list) {
            String type = value(c.path("type"));
            String schedule = value(c.path("schedule"));
            Instant end = null;
            if ("blackout".equals(type) && !schedule.isEmpty()) {
                end = ends.computeIfAbsent(schedule, s -> spanEnd(s, window)).orElse(null);
            }
            out.add(new Conflict(type, display(c.path("type")), display(c.path("schedule")), display(c.path("configuration_item")),
                    display(c.path("conflicting_change")), end));
        }
        return out;
    }

    /**
     * When the blackout's span that overlaps the window ends, in its schedule's time zone; empty when that cannot be
     * read for certain (a repeating span, a floating time zone, no read access).
     */
    private Optional<Instant> spanEnd(String scheduleSysId, ChangeWindow window) {
        try {
            ZoneId zone = ZoneId.of(client.get("cmn_schedule", scheduleSysId, "time_zone").get("time_zone"));
            Instant latest = null;
            for (SnRecord span : client.query("cmn_schedule_span", TableQuery.where("schedule").is(scheduleSysId), 100,
                    "schedule", "start_date_time", "end_date_time", "repeat_type")) {
                if (!span.get("repeat_type").isEmpty() || !scheduleSysId.equals(span.get("schedule"))) {
                    continue;
                }
                Instant start = LocalDateTime.parse(span.get("start_date_time"), SPAN_TIME).atZone(zone).toInstant();
                Instant end = LocalDateTime.parse(span.get("end_date_time"), SPAN_TIME).atZone(zone).toInstant();
                boolean overlaps = start.isBefore(window.end()) && window.start().isBefore(end);
                if (overlaps && (latest == null || end.isAfter(latest))) {
                    latest = end;
                }
            }
            return Optional.ofNullable(latest);
        } catch (ApiException | DateTimeException e) {
            return Optional.empty(); // the sentence names the blackout without its end
        }
    }

    private ApiException missing(String what) {
        return new ApiException(Problem.NOT_FOUND, 400, "ServiceNow at " + client.host() + " cannot " + what
                + ": it has no change conflict detection (the Change Management API with the change conflict plugin). "
                + "Leave checkConflicts and scheduleFirstAvailable out, or ask the ServiceNow admin to activate it.");
    }

    /** A field of the Change API's typed record: {@code {value, display_value}}, or a plain value. */
    private static String value(JsonNode field) {
        return field.isObject() ? text(field.path("value")) : text(field);
    }

    private static String display(JsonNode field) {
        if (!field.isObject()) {
            return text(field);
        }
        String shown = text(field.path("display_value"));
        return shown.isEmpty() ? text(field.path("value")) : shown;
    }

    private static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? "" : node.asText("");
    }
}
