package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Authentication;
import io.jenkins.plugins.servicenowflashduty.client.http.BaseUrl;
import io.jenkins.plugins.servicenowflashduty.client.http.Body;
import io.jenkins.plugins.servicenowflashduty.client.http.Call;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpTransport;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.Outcome;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.Reply;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestListener;
import io.jenkins.plugins.servicenowflashduty.client.http.RetryPolicy;
import io.jenkins.plugins.servicenowflashduty.client.http.Texts;
import io.jenkins.plugins.servicenowflashduty.client.http.Timers;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The ServiceNow Table, Journal and Attachment APIs of one instance. Records travel as raw values
 * ({@code sysparm_display_value=false}, references as plain sys_ids). Thread-safe; one per configured instance.
 *
 * <p>Every method that talks to the instance blocks the calling thread: one call for at most the retry
 * policy's deadline (two minutes by default) plus one request timeout, and an operation that makes several
 * calls (a lookup, then a write) for that much per call. Interrupting the thread ends the wait with
 * {@link io.jenkins.plugins.servicenowflashduty.client.http.Problem#INTERRUPTED}. Run these off any thread
 * that must stay responsive (in Jenkins, off the Pipeline thread).
 */
public final class ServiceNowClient {
    /** What a standard change template fixes; the Change API ignores callers' values for these. */
    private static final Set<String> TEMPLATE_FIXED = Set.of("description", "backout_plan", "test_plan", "implementation_plan");
    /** ServiceNow's REST payload limit (KB0747638). */
    public static final long MAX_ATTACHMENT_BYTES = 10L * 1024 * 1024;
    private static final Set<String> JOURNAL_COLUMNS = Set.of("work_notes", "comments");
    /** Journal times have one-second resolution, so the newest second may hold many entries in any order. */
    private static final int JOURNAL_LOOKBACK = 100;
    /** ServiceNow's stored date-time form (UTC), which orders like the time it stands for. */
    private static final DateTimeFormatter JOURNAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final String RAW = "sysparm_exclude_reference_link=true&sysparm_display_value=false";

    private final HttpTransport transport;
    /** Whether the instance has {@code /api/sn_chg_rest}; shared by copies made with {@link #withListener}. */
    private final ChangeApiPresence changeApi;
    /** What the dictionary said of each table; shared by copies, like {@link #changeApi}. */
    private final TableColumns.Cache columnCache;

    /**
     * @param instanceUrl the instance root, e.g. {@code https://acme.service-now.com}
     * @param allowPlainHttp accept {@code http://} (a local sandbox)
     */
    public ServiceNowClient(String instanceUrl, boolean allowPlainHttp, Authentication authentication, HttpSettings settings) {
        this(new HttpTransport(BaseUrl.parse(instanceUrl, allowPlainHttp), settings.withServiceName("ServiceNow"), authentication));
    }

    ServiceNowClient(HttpTransport transport) {
        this(transport, new ChangeApiPresence(System::nanoTime));
    }

    ServiceNowClient(HttpTransport transport, ChangeApiPresence changeApi) {
        this(transport, changeApi, new TableColumns.Cache());
    }

    private ServiceNowClient(HttpTransport transport, ChangeApiPresence changeApi, TableColumns.Cache columnCache) {
        this.transport = transport;
        this.changeApi = changeApi;
        this.columnCache = columnCache;
    }

    /** Shares the connection pool; reports every attempt to the listener (a build's log). */
    public ServiceNowClient withListener(RequestListener listener) {
        return new ServiceNowClient(transport.withListener(listener), changeApi, columnCache);
    }

    /** Shares the connection pool; tries each request as the policy says (a queued delivery's shorter patience). */
    public ServiceNowClient withRetry(RetryPolicy policy) {
        return new ServiceNowClient(transport.withRetry(policy), changeApi, columnCache);
    }

    /** The columns of this instance's tables, from its dictionary, kept for ten minutes for every copy of this client. */
    public TableColumns columns() {
        return new TableColumns(this, columnCache);
    }

    HttpTransport http() {
        return transport;
    }

    /** The page of a record in the ServiceNow UI, for links in logs and build pages. */
    public String recordUrl(String table, String sysId) {
        return transport.baseUrl() + "/" + Tables.table(table) + ".do?sys_id=" + Tables.sysId(sysId);
    }

    /** The instance's host, for sentences and logs. */
    public String host() {
        return transport.baseUrl().host();
    }

    // ---------------------------------------------------------------- reading

    /** One record by sys_id; a sentence when it does not exist or is hidden. */
    public SnRecord get(String table, String sysId, String... fields) {
        return find(table, sysId, fields).orElseThrow(() -> new ApiException(Problem.NOT_FOUND, 404,
                "ServiceNow has no " + table + " record " + sysId + ", or the user may not read it."));
    }

    /** {@link #get} without holding a thread while the request is on its way (see {@link HttpTransport#sendAsync}). */
    public CompletableFuture<SnRecord> getAsync(String table, String sysId, String... fields) {
        String t = Tables.table(table);
        String id = Tables.sysId(sysId);
        return http().sendAsync(Call.get(tablePath(t) + "/" + id + "?" + RAW + fieldsParam(fields))).thenApply(reply -> {
            if (reply.status() == 404 && reply.isJson()) {
                throw new ApiException(Problem.NOT_FOUND, 404, "ServiceNow has no " + table + " record " + sysId + ", or the user may not read it.");
            }
            return single(reply, t, "read " + t + " " + id);
        });
    }

    /**
     * {@link #update} of plain fields without holding a thread while the request is on its way. A journal field
     * ({@code work_notes}, {@code comments}) is refused: its write must happen once, which takes {@link #update}.
     */
    public CompletableFuture<SnRecord> updateAsync(String table, String sysId, Map<String, String> values) {
        String t = Tables.table(table);
        String id = Tables.sysId(sysId);
        if (JOURNAL_COLUMNS.stream().anyMatch(values::containsKey)) {
            throw new IllegalArgumentException("a journal entry is written with update(), which looks for it after a failure");
        }
        String path = tablePath(t) + "/" + id + "?" + RAW;
        return http().sendAsync(Call.json("PATCH", path, Json.flatObject(values), Call.Repeat.SAFE))
                .thenApply(reply -> single(reply, t, "update " + t + " " + id));
    }

    /**
     * {@link #update} with a journal entry ({@code work_notes}, {@code comments}) whose text is unique to this write (it
     * names the build), without holding a thread. One attempt at a time: after a failure that may have reached the
     * server (a timeout, a lost answer, a 5xx), the entry is looked for by its text before the write is sent again, so
     * it is written once; a 429 or a refused connection is sent again after a pause. At most three attempts.
     */
    public CompletableFuture<SnRecord> updateWithUniqueNoteAsync(String table, String sysId, Map<String, String> values) {
        return uniqueNoteAttempt(Tables.table(table), Tables.sysId(sysId), noteColumn(values), values, Instant.now(), 1);
    }

    /**
     * {@link #updateWithUniqueNoteAsync}, for a write that an earlier run may have sent already (its answer lost in a
     * restart): the entry is looked for first, and the write sent only when it is not there.
     *
     * @param since when the earlier run may have sent it
     * @param samePrefix how an entry the earlier run wrote begins (its text may differ in what the run measured)
     */
    public CompletableFuture<SnRecord> updateWithUniqueNoteAsync(String table, String sysId, Map<String, String> values, Instant since,
                                                                 String samePrefix) {
        String t = Tables.table(table);
        String id = Tables.sysId(sysId);
        String column = noteColumn(values);
        return noteWrittenAsync(t, id, column, v -> v.startsWith(samePrefix), since)
                .thenCompose(done -> done ? getAsync(t, id) : uniqueNoteAttempt(t, id, column, values, since, 1));
    }

    /** The journal field a write that must happen once carries. */
    private static String noteColumn(Map<String, String> values) {
        return JOURNAL_COLUMNS.stream().filter(values::containsKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no journal entry to write once"));
    }

    /** Whether the record has a journal entry this text matches, written since then (with a margin for clocks). */
    private CompletableFuture<Boolean> noteWrittenAsync(String t, String id, String column, Predicate<String> text, Instant since) {
        String from = JOURNAL_TIME.format(since.minusSeconds(300).atOffset(ZoneOffset.UTC));
        return pageAsync("sys_journal_field", journalOf(id, column), 0, JOURNAL_LOOKBACK, JOURNAL_FIELDS)
                .thenApply(page -> page.records().stream().anyMatch(r -> isEntryOf(r, id, column) && text.test(r.get("value"))
                        && r.get("sys_created_on").compareTo(from) >= 0));
    }

    /** A record's journal entries in one field, newest first. */
    private static TableQuery journalOf(String id, String column) {
        return TableQuery.where("element_id").is(id).and("element").is(column).orderByDescending("sys_created_on");
    }

    private static final String[] JOURNAL_FIELDS = {"sys_id", "element_id", "element", "value", "sys_created_on"};

    /** Whether a journal row is the record's entry in that field: checked, since an instance may ignore the query. */
    private static boolean isEntryOf(SnRecord entry, String id, String column) {
        return id.equals(entry.get("element_id")) && column.equals(entry.get("element"));
    }

    private static final int UNIQUE_NOTE_ATTEMPTS = 3;

    private CompletableFuture<SnRecord> uniqueNoteAttempt(String t, String id, String column, Map<String, String> values, Instant since,
                                                          int attempt) {
        String what = "update " + t + " " + id;
        // a single attempt each time: whether to send again is decided here, after looking for the entry
        Call call = Call.json("PATCH", tablePath(t) + "/" + id + "?" + RAW, Json.flatObject(values), Call.Repeat.SAFE);
        return withRetry(RetryPolicy.none()).http().sendAsync(call)
                .thenApply(reply -> single(reply, t, what))
                .exceptionallyCompose(failure -> {
                    Throwable cause = HttpTransport.unwrap(failure);
                    if (!(cause instanceof ApiException e) || attempt >= UNIQUE_NOTE_ATTEMPTS || !mayRetryNote(e)) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    CompletableFuture<SnRecord> next = new CompletableFuture<>();
                    Timers.after(1000L * attempt, () -> {
                        CompletableFuture<Boolean> written = surelyNotSent(e) ? CompletableFuture.completedFuture(false)
                                : noteWrittenAsync(t, id, column, values.get(column)::equals, since);
                        written.thenCompose(done -> done ? getAsync(t, id)
                                        : uniqueNoteAttempt(t, id, column, values, since, attempt + 1))
                                .whenComplete((r, x) -> {
                                    if (x != null) {
                                        next.completeExceptionally(HttpTransport.unwrap(x));
                                    } else {
                                        next.complete(r);
                                    }
                                });
                    });
                    return next;
                });
    }

    /** A failure after which the write may be sent again: the server failed, did not answer, or asked to wait. */
    private static boolean mayRetryNote(ApiException e) {
        return switch (e.problem()) {
            case TIMEOUT, UNREACHABLE, SERVER_ERROR, RATE_LIMITED -> true;
            default -> false;
        };
    }

    /** Failures that prove the server did not act: it asked to wait, or no connection was made. */
    private static boolean surelyNotSent(ApiException e) {
        return e.problem() == Problem.RATE_LIMITED;
    }

    public Optional<SnRecord> find(String table, String sysId, String... fields) {
        String t = Tables.table(table);
        String id = Tables.sysId(sysId);
        Reply reply = http().send(Call.get(tablePath(t) + "/" + id + "?" + RAW + fieldsParam(fields)));
        if (reply.status() == 404 && reply.isJson()) {
            return Optional.empty();
        }
        return Optional.of(single(reply, t, "read " + t + " " + id));
    }

    /** One page of rows matching the query. */
    public Page page(String table, TableQuery query, int offset, int limit, String... fields) {
        String t = Tables.table(table);
        return page(http().send(Call.get(listPath(t, query, offset, limit, fields))), t, offset, limit);
    }

    /** {@link #page} without holding a thread while the request is on its way (see {@link HttpTransport#sendAsync}). */
    public CompletableFuture<Page> pageAsync(String table, TableQuery query, int offset, int limit, String... fields) {
        String t = Tables.table(table);
        return http().sendAsync(Call.get(listPath(t, query, offset, limit, fields))).thenApply(reply -> page(reply, t, offset, limit));
    }

    private String listPath(String t, TableQuery query, int offset, int limit, String... fields) {
        if (limit < 1 || limit > 10000) {
            throw invalidInput("The page size must be between 1 and 10000, not " + limit + ".");
        }
        return tablePath(t) + "?" + RAW + "&sysparm_limit=" + limit + "&sysparm_offset=" + Math.max(0, offset)
                + (query.encoded().isEmpty() ? "" : "&sysparm_query=" + enc(query.encoded())) + fieldsParam(fields);
    }

    private Page page(Reply reply, String t, int offset, int limit) {
        if (reply.status() == 404 && reply.isJson() && reply.text().contains("No Record found")) {
            return new Page(List.of(), 0, -1); // a v1-style answer for an empty list
        }
        List<SnRecord> records = records(reply, t, "list " + t);
        int total = reply.header("X-Total-Count").map(ServiceNowClient::parseInt).orElse(-1);
        boolean more = records.size() == limit && (total < 0 || offset + limit < total);
        return new Page(records, total, more ? offset + limit : -1);
    }

    /** Up to {@code limit} rows matching the query. */
    public List<SnRecord> query(String table, TableQuery query, int limit, String... fields) {
        return page(table, query, 0, limit, fields).records();
    }

    /** Every row matching the query, fetched page by page as the stream is consumed. */
    public Stream<SnRecord> stream(String table, TableQuery query, int pageSize, String... fields) {
        Iterator<SnRecord> it = new Iterator<>() {
            private Iterator<SnRecord> current = List.<SnRecord>of().iterator();
            private int nextOffset = 0;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && nextOffset >= 0) {
                    Page p = page(table, query, nextOffset, pageSize, fields);
                    current = p.records().iterator();
                    nextOffset = p.nextOffset();
                }
                return current.hasNext();
            }

            @Override
            public SnRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** A ticket by its number ({@code INC0010002}, {@code CHG0030001}, ...), in the table its prefix names. */
    public Optional<SnRecord> findByNumber(String number, String... fields) {
        String n = Tables.normaliseNumber(number);
        String table = Tables.tableOfNumber(n);
        String[] wanted = fields;
        if (fields.length > 0 && !List.of(fields).contains("number")) {
            wanted = Arrays.copyOf(fields, fields.length + 1);
            wanted[fields.length] = "number";
        }
        // the number check guards against a query ServiceNow ignored
        return query(table, TableQuery.where("number").is(n), 2, wanted).stream().filter(r -> n.equals(r.number())).findFirst();
    }

    /**
     * The sys_id of a referenced record given its sys_id or its display value (a group's or CI's name, a
     * user's user_name or name).
     */
    public String resolveReference(String table, String displayField, String value) {
        if (value == null || value.isBlank()) {
            throw invalidInput("An empty " + table + " reference was given.");
        }
        String v = value.strip();
        if (Tables.isSysId(v)) {
            return v;
        }
        List<SnRecord> found = whereExactly(table, displayField, v);
        if (found.isEmpty()) {
            throw invalidInput("ServiceNow has no " + table + " whose " + displayField
                    + " is '" + v + "'; check the name or give its sys_id.");
        }
        if (found.size() > 1) {
            throw invalidInput("Several " + table + " records have the " + displayField
                    + " '" + v + "'; give the sys_id of the one you mean.");
        }
        return found.get(0).sysId();
    }

    /**
     * Up to two records whose field is exactly this value (two are enough to tell "one" from "several"),
     * each checked, which guards against a query ServiceNow ignored.
     */
    public List<SnRecord> whereExactly(String table, String field, String value) {
        return query(table, TableQuery.where(field).is(value), 2, "sys_id", field).stream()
                .filter(r -> value.equals(r.get(field))).toList();
    }

    // ---------------------------------------------------------------- writing

    /** Inserts a record. Repeated only where the insert surely did not happen (no connection, 429). */
    public SnRecord create(String table, Map<String, String> values) {
        String t = Tables.table(table);
        Reply reply = http().send(Call.json("POST", tablePath(t) + "?" + RAW, Json.flatObject(values), Call.Repeat.ONCE));
        return single(reply, t, "create a record in " + t);
    }

    /**
     * Inserts a record at most once. The record's sys_id is chosen here and sent with it, so an attempt
     * the server carries out late cannot make a second record; and when an attempt fails in a way that
     * may hide a successful insert, the record is looked up (by that sys_id, then with {@code existing},
     * each hit checked with {@code isOurs}) and reused if found.
     */
    public Created create(String table, Map<String, String> values, TableQuery existing, Predicate<SnRecord> isOurs) {
        return create(table, values, null, existing, isOurs);
    }

    /**
     * {@link #create(String, Map, TableQuery, Predicate)} with the sys_id given by the caller (a random one when
     * null): a queued delivery passes the same one on every attempt, across restarts, so its record is found
     * rather than made twice.
     */
    public Created create(String table, Map<String, String> values, String chosenSysId, TableQuery existing, Predicate<SnRecord> isOurs) {
        String t = Tables.table(table);
        String sysId = chosenSysId == null ? Texts.randomHex(16) : Tables.sysId(chosenSysId);
        Map<String, String> withId = new LinkedHashMap<>(values);
        withId.put("sys_id", sysId);
        Call call = Call.json("POST", tablePath(t) + "?" + RAW, Json.flatObject(withId), Call.Repeat.ONCE);
        return once(call, "create a record in " + t, reply -> {
            if (reply.status() == 403 && reply.text().contains("Error during insert") && reply.text().contains(sysId)) {
                return new Created(get(t, sysId), true); // a repeat collided with our own earlier attempt, which did get in
            }
            return new Created(single(reply, t, "create a record in " + t), false);
        }, () -> find(t, sysId).or(() -> query(t, existing, 5).stream().filter(isOurs).findFirst()));
    }

    /**
     * Sends a call that must act once. After a failure that may hide a write, {@code lookForWrite} (the
     * caller's knowledge of what it wrote) decides: found means done; not found means the call is repeated.
     */
    private Created once(Call call, String what, Function<Reply, Created> read, Supplier<Optional<SnRecord>> lookForWrite) {
        HttpTransport.Attempts attempts = http().begin();
        while (true) {
            Outcome outcome = http().attempt(call, attempts);
            if (outcome instanceof Outcome.Answered answered) {
                return read.apply(answered.reply());
            }
            Outcome.Uncertain uncertain = (Outcome.Uncertain) outcome;
            Optional<SnRecord> written = lookForWrite.get();
            if (written.isPresent()) {
                return new Created(written.get(), true);
            }
            if (!http().prepareRepeat(attempts, uncertain)) {
                return read.apply(HttpTransport.giveUp(uncertain));
            }
        }
    }

    /**
     * Updates fields of a record. A plain update is safe to repeat; an update that writes a journal field
     * ({@code work_notes}, {@code comments}) appends an entry, so it is sent as a write that must happen
     * once, wherever the journal field rides (see {@link #appendJournal}).
     */
    public SnRecord update(String table, String sysId, Map<String, String> values) {
        return update(table, sysId, values, new String[0]);
    }

    /** @param fields the columns the answer (and a lookup after an uncertain journal write) returns; all when empty */
    private SnRecord update(String table, String sysId, Map<String, String> values, String[] fields) {
        String t = Tables.table(table);
        String id = Tables.sysId(sysId);
        String what = "update " + t + " " + id;
        String path = tablePath(t) + "/" + id + "?" + RAW + fieldsParam(fields);
        Optional<String> journal = JOURNAL_COLUMNS.stream().filter(values::containsKey).findFirst();
        if (journal.isEmpty()) {
            return single(http().send(Call.json("PATCH", path, Json.flatObject(values), Call.Repeat.SAFE)), t, what);
        }
        String column = journal.get();
        String text = values.get(column);
        // What identifies this attempt: an entry with this text that was not there before we sent it. Two
        // builds adding the same text are two notes; only a new entry appearing after our own send is ours.
        Set<String> before = journalEntries(id, column, text);
        Call call = Call.json("PATCH", path, Json.flatObject(values), Call.Repeat.ONCE);
        return once(call, what, reply -> new Created(single(reply, t, what), false), () -> {
            Set<String> now = journalEntries(id, column, text);
            now.removeAll(before);
            return now.isEmpty() ? Optional.empty() : Optional.of(get(t, id, fields));
        }).record();
    }

    /**
     * Appends a journal entry ({@code work_notes} or {@code comments}). Journal writes add, never replace,
     * so the entries with the same text are listed before the write; after a failure that may hide it, a
     * new one among them means it happened. Where the user may not read {@code sys_journal_field}
     * (ServiceNow then answers an empty list), that check cannot see anything and a repeat may double the
     * entry. Two builds writing the same text to the same ticket within one failed attempt can also not be
     * told apart.
     */
    public SnRecord appendJournal(String table, String sysId, String column, String text) {
        if (!JOURNAL_COLUMNS.contains(column)) {
            throw invalidInput("'" + column + "' is not a journal field; use work_notes or comments.");
        }
        return update(table, sysId, Map.of(column, text), new String[] {"sys_id", "number"});
    }

    /**
     * Whether the record's journal already holds an entry with exactly this text written at or after
     * {@code since}: how a delivery that may have been carried out before (the controller stopped between the
     * write and its record of it) tells its own note from an older one.
     */
    public boolean journalHasSince(String sysId, String column, String text, Instant since) {
        String from = JOURNAL_TIME.format(since.atOffset(ZoneOffset.UTC));
        return journalWithText(Tables.sysId(sysId), column, text).anyMatch(e -> e.get("sys_created_on").compareTo(from) >= 0);
    }

    /** The sys_ids of the newest journal entries of a record holding exactly this text. */
    private Set<String> journalEntries(String sysId, String column, String text) {
        return journalWithText(sysId, column, text).map(SnRecord::sysId).collect(Collectors.toCollection(HashSet::new));
    }

    /** The newest journal entries of a record holding exactly this text, each checked against what was asked. */
    private Stream<SnRecord> journalWithText(String sysId, String column, String text) {
        return query("sys_journal_field", journalOf(sysId, column), JOURNAL_LOOKBACK, JOURNAL_FIELDS).stream()
                .filter(e -> isEntryOf(e, sysId, column) && text.equals(e.get("value")));
    }

    public void delete(String table, String sysId) {
        String t = Tables.table(table);
        String id = Tables.sysId(sysId);
        Reply reply = http().send(new Call("DELETE", tablePath(t) + "/" + id, Map.of("Accept", "application/json"), null,
                Call.Repeat.SAFE));
        if (reply.status() == 404) {
            return; // already gone, possibly by an earlier attempt of this very call
        }
        if (!reply.ok()) {
            throw ServiceNowErrors.of(reply, "delete " + t + " " + id, host());
        }
    }

    // ---------------------------------------------------------------- change management API

    /**
     * Creates a change through the Change Management API ({@code /api/sn_chg_rest/change/...}), or through
     * the Table API on {@code change_request} where that API is not installed. {@code correlationId}
     * must be unique to this creation: a retry after a lost answer finds the change by it.
     *
     * <p>The Change API takes no sys_id from the caller, so this is the one create whose repeat rests on a
     * lookup alone. The transport waits one request timeout after a timed-out attempt before the lookup;
     * a create that the instance carries out later than that (queued behind a slow transaction) is missed
     * by the lookup, and the repeat then makes a second change. That window remains. The Table API
     * fallback carries its own sys_id and has no such window.
     *
     * @param type normal, emergency or standard
     * @param templateSysId for a standard change, the template (else null)
     */
    public Created createChange(String type, String templateSysId, Map<String, String> values, String correlationId) {
        Map<String, String> body = new LinkedHashMap<>(values);
        body.put("correlation_id", correlationId);
        TableQuery existing = TableQuery.where("correlation_id").is(correlationId);
        Predicate<SnRecord> ours = r -> correlationId.equals(r.get("correlation_id"));
        if (!changeApi.knownMissing()) {
            String path = "/api/sn_chg_rest/change/" + (templateSysId == null ? enc(type) : "standard/" + Tables.sysId(templateSysId));
            Call call = Call.json("POST", path, Json.flatObject(body), Call.Repeat.ONCE);
            String what = "create a " + type + " change";
            Created created = once(call, what, reply -> {
                if (ChangeApiPresence.saysMissing(reply)) {
                    return null;
                }
                return new Created(single(reply, "change_request", what), false);
            }, () -> query("change_request", existing, 2).stream().filter(ours).findFirst());
            if (created != null) {
                changeApi.seen();
                return created;
            }
            changeApi.missing(); // remembered for a while: no second probe for every change
        }
        // the Change API reports the fields it ignored (the step warns); the Table API drops them without a word
        columns().checkColumns("change_request", body.keySet());
        Map<String, String> tableValues = new LinkedHashMap<>();
        tableValues.put("type", type);
        tableValues.putAll(body);
        if (templateSysId != null) {
            Map<String, String> preset = templateFields(templateSysId);
            preset.forEach((k, v) -> {
                if (TEMPLATE_FIXED.contains(k) || !tableValues.containsKey(k)) {
                    tableValues.put(k, v); // as the Change API does: the template's plans win
                }
            });
            tableValues.put("std_change_producer_version", templateSysId);
        }
        return create("change_request", tableValues, existing, ours);
    }

    /**
     * A call about one change to the Change Management API ({@code /api/sn_chg_rest/change/{sys_id}/...}): the
     * {@code result} of its answer, or empty when ServiceNow answers that nothing serves the path (the API, or the
     * plugin behind that part of it, is not installed).
     *
     * @param sub the path after the change's sys_id, e.g. {@code conflict} or {@code schedule/first_available}
     * @param body a JSON object's fields, or null for none
     * @param what the action, for the sentence of a failure ("check conflicts of CHG0030001")
     */
    public Optional<JsonNode> changeApi(String method, String changeSysId, String sub, Map<String, String> body, String what) {
        return changeApiAt(method, Tables.sysId(changeSysId) + "/" + sub, body, what);
    }

    /** {@link #changeApi} for any path under {@code /api/sn_chg_rest/change/}, such as a worker's {@code worker/{sys_id}}. */
    public Optional<JsonNode> changeApiAt(String method, String pathUnderChange, Map<String, String> body, String what) {
        return changeApiResult(http().send(changeApiCall(method, pathUnderChange, body)), what);
    }

    /** {@link #changeApiAt} without holding a thread while the request is on its way: for the reads a poll repeats. */
    public CompletableFuture<Optional<JsonNode>> changeApiAtAsync(String method, String pathUnderChange, Map<String, String> body, String what) {
        return http().sendAsync(changeApiCall(method, pathUnderChange, body)).thenApply(reply -> changeApiResult(reply, what));
    }

    private static Call changeApiCall(String method, String pathUnderChange, Map<String, String> body) {
        String path = "/api/sn_chg_rest/change/" + pathUnderChange;
        return body == null ? new Call(method, path, Map.of("Accept", "application/json"), null, Call.Repeat.SAFE)
                : Call.json(method, path, Json.flatObject(body), Call.Repeat.SAFE);
    }

    private Optional<JsonNode> changeApiResult(Reply reply, String what) {
        if (ChangeApiPresence.saysMissing(reply)) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw ServiceNowErrors.of(reply, what, host());
        }
        try {
            JsonNode result = Json.MAPPER.readTree(reply.body()).path("result");
            if (result.isMissingNode()) {
                throw ServiceNowErrors.unexpected(reply.status(), host());
            }
            return Optional.of(result);
        } catch (IOException e) {
            throw ServiceNowErrors.unexpected(reply.status(), host());
        }
    }

    /** Whether the instance was recently found to lack the Change Management REST API. */
    public boolean changeApiMissing() {
        return changeApi.knownMissing();
    }

    /** A standard change template's preset fields, applied by hand when only the Table API is there. */
    private Map<String, String> templateFields(String templateSysId) {
        Map<String, String> fields = new LinkedHashMap<>();
        SnRecord template = get("std_change_record_producer", templateSysId, "template", "short_description");
        for (String pair : template.get("template").split("\\^")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && !pair.startsWith("EQ")) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        fields.putIfAbsent("short_description", template.get("short_description"));
        return fields;
    }

    // ---------------------------------------------------------------- attachments

    /**
     * Attaches content to a record, streamed (a retry opens it again). A retry after a lost answer first
     * looks for an attachment of the same name and size on the record, so the file is not attached twice.
     *
     * @param content at most {@link #MAX_ATTACHMENT_BYTES}
     */
    public SnRecord attach(String table, String sysId, String fileName, String contentType, Body content) {
        String t = Tables.table(table);
        String id = Tables.sysId(sysId);
        if (fileName == null || fileName.isBlank() || fileName.contains("/") || fileName.contains("\\")) {
            throw invalidInput("The attachment needs a plain file name, not '" + fileName + "'.");
        }
        if (content.length() > MAX_ATTACHMENT_BYTES) {
            throw invalidInput(fileName + " is " + content.length() + " bytes; ServiceNow accepts at most "
                    + MAX_ATTACHMENT_BYTES + " bytes (10 MiB) per request, so compress or split it.");
        }
        String type = contentType == null || contentType.isBlank() ? "application/octet-stream" : contentType;
        String path = "/api/now/attachment/file?table_name=" + enc(t) + "&table_sys_id=" + id + "&file_name=" + enc(fileName);
        Call call = new Call("POST", path, Map.of("Content-Type", type, "Accept", "application/json"), content, Call.Repeat.ONCE);
        String what = "attach " + fileName + " to " + t + " " + id;
        String size = Long.toString(content.length());
        return once(call, what, reply -> new Created(single(reply, "sys_attachment", what), false),
                () -> attachments(t, id).stream().filter(a -> fileName.equals(a.get("file_name")) && size.equals(a.get("size_bytes")))
                        .findFirst()).record();
    }

    /** Attaches bytes held in memory. */
    public SnRecord attach(String table, String sysId, String fileName, String contentType, byte[] content) {
        return attach(table, sysId, fileName, contentType, Body.of(content));
    }

    /** The attachments of a record. */
    public List<SnRecord> attachments(String table, String sysId) {
        String t = Tables.table(table);
        String id = Tables.sysId(sysId);
        String query = TableQuery.where("table_name").is(t).and("table_sys_id").is(id).encoded();
        Reply reply = http().send(Call.get("/api/now/attachment?sysparm_limit=1000&sysparm_query=" + enc(query)));
        return records(reply, "sys_attachment", "list the attachments of " + t + " " + id);
    }

    // ---------------------------------------------------------------- helpers

    static String tablePath(String table) {
        return "/api/now/table/" + table;
    }

    static String enc(String s) {
        return BaseUrl.encode(s);
    }

    private static String fieldsParam(String... fields) {
        return fields.length == 0 ? "" : "&sysparm_fields=" + enc(String.join(",", fields));
    }

    /** The records of a successful answer's {@code result}, or the sentence for a failed one. */
    List<SnRecord> records(Reply reply, String table, String what) {
        if (!reply.ok()) {
            throw ServiceNowErrors.of(reply, what, host());
        }
        try {
            List<SnRecord> records = RecordReader.read(table, reply.body());
            if (records == null) {
                throw ServiceNowErrors.unexpected(reply.status(), host());
            }
            return records;
        } catch (IOException e) {
            throw ServiceNowErrors.unexpected(reply.status(), host());
        }
    }

    /** A single record: an object, or (in some answers) an array holding one. */
    SnRecord single(Reply reply, String table, String what) {
        List<SnRecord> records = records(reply, table, what);
        if (records.isEmpty()) {
            throw new ApiException(Problem.NOT_FOUND, reply.status(), "ServiceNow returned no record when asked to " + what + ".");
        }
        return records.get(0);
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
