package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import io.jenkins.plugins.servicenowflashduty.simulator.SimClock;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The state of one simulated ServiceNow instance: tables, users, approvals and switches. Every record
 * holds raw database values as strings, as the Table API returns them with {@code sysparm_display_value=false}.
 *
 * <p>All access is serialised on one lock: requests are tiny, and approval polling mutates records on read.
 */
public final class ServiceNowInstance {
    static final Pattern SYS_ID = Pattern.compile("[0-9a-f]{32}");

    private final Object lock = new Object();
    private final SimClock clock;
    private final Map<String, TableSchema> schemas = Schemas.all();
    private final Map<String, LinkedHashMap<String, Map<String, String>>> tables = new HashMap<>();
    private final Map<String, Long> counters = new HashMap<>();
    private final Map<String, byte[]> attachmentBytes = new HashMap<>();
    private final Map<String, ApprovalWait> approvals = new HashMap<>();
    private final Map<String, ApprovalPolicy> approvalOverrides = new HashMap<>();
    private final Map<String, Account> accounts = new ConcurrentHashMap<>();
    private final RecordRules rules = new RecordRules(this);
    private final ChangeSchedules schedules = new ChangeSchedules(this);
    private volatile ApprovalPolicy approvalPolicy = ApprovalPolicy.approveAfterPolls(3);
    private volatile boolean changeApiInstalled = true;
    private volatile boolean invalidQueryReturnsNoRows;
    private final Set<String> unqueryable = ConcurrentHashMap.newKeySet();

    /** A user's password and roles. */
    record Account(String userName, String password, Set<String> roles) {
    }

    private static final class ApprovalWait {
        final Instant requestedAt;
        int polls;

        ApprovalWait(Instant requestedAt) {
            this.requestedAt = requestedAt;
        }
    }

    public ServiceNowInstance(SimClock clock) {
        this.clock = clock;
        schemas.keySet().forEach(t -> tables.put(t, new LinkedHashMap<>()));
        schemas.values().stream().filter(s -> s.numberPrefix() != null).forEach(s -> counters.put(s.name(), s.numberStart()));
    }

    // ---------------------------------------------------------------- switches and seeding (tests, sandbox)

    /** Gives a user a new password, as an administrator rotating it does; the old one stops working at once. */
    public void setPassword(String userName, String newPassword) {
        Account a = accounts.get(userName);
        if (a == null) {
            throw new IllegalArgumentException("No user " + userName);
        }
        accounts.put(userName, new Account(userName, newPassword, a.roles()));
    }

    /** Adds a user that can sign in with Basic auth, and its {@code sys_user} record. */
    public String addUser(String userName, String password, String fullName, String... roles) {
        accounts.put(userName, new Account(userName, password, Set.of(roles)));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("user_name", userName);
        values.put("name", fullName);
        values.put("web_service_access_only", "false");
        String userId = insert("sys_user", values).get("sys_id");
        for (String role : roles) {
            String roleId = findBy("sys_user_role", "name", role).map(r -> r.get("sys_id"))
                    .orElseGet(() -> insert("sys_user_role", Map.of("name", role)).get("sys_id"));
            insert("sys_user_has_role", Map.of("user", userId, "role", roleId));
        }
        return userId;
    }

    Optional<Account> account(String userName) {
        return Optional.ofNullable(accounts.get(userName));
    }

    /** The actor for a known user name. */
    Actor actor(String userName) {
        Account a = accounts.get(userName);
        if (a == null) {
            throw new IllegalArgumentException("No such user " + userName);
        }
        String name = findBy("sys_user", "user_name", userName).map(r -> r.get("name")).orElse(userName);
        return new Actor(userName, name, a.roles());
    }

    public void setApprovalPolicy(ApprovalPolicy policy) {
        this.approvalPolicy = policy;
    }

    public ApprovalPolicy approvalPolicy() {
        return approvalPolicy;
    }

    /** Sets how the approvers answer one change, overriding the instance-wide policy. */
    public void setApprovalPolicy(String changeSysId, ApprovalPolicy policy) {
        synchronized (lock) {
            approvalOverrides.put(changeSysId, policy);
        }
    }

    /** Makes {@code /api/sn_chg_rest} answer as on an instance without the Change Management REST API plugin. */
    public void setChangeApiInstalled(boolean installed) {
        this.changeApiInstalled = installed;
    }

    /** Blackout and maintenance schedules, and the conflict plugin's switch. */
    public ChangeSchedules schedules() {
        return schedules;
    }

    public boolean changeApiInstalled() {
        return changeApiInstalled;
    }

    /**
     * Query conditions on a column are dropped as invalid, while the column is still read and written: as a query
     * ACL or a customised dictionary can leave an instance. The rest of the query applies, as ServiceNow does.
     */
    public void ignoreQueriesOn(String table, String column) {
        unqueryable.add(table + "." + column);
    }

    /** The {@code glide.invalid_query.returns_no_rows} property: invalid query parts give no rows instead of being ignored. */
    public void setInvalidQueryReturnsNoRows(boolean value) {
        this.invalidQueryReturnsNoRows = value;
    }

    SimClock clock() {
        return clock;
    }

    String now() {
        return Dates.format(clock.instant());
    }

    // ---------------------------------------------------------------- plain access for tests (no ACL, no polling)

    /** Inserts as the system, applying the same rules as the API. Returns a copy of the stored record. */
    public Map<String, String> insert(String table, Map<String, String> values) {
        return create(table, values, Actor.SYSTEM, false);
    }

    /**
     * Sets stored values as they are, past every rule: what an instance with another state model (the
     * legacy change model, a custom one) or a hidden field would hand out.
     */
    public void overwrite(String table, String sysId, Map<String, String> values) {
        synchronized (lock) {
            Map<String, String> r = table(table).get(sysId);
            if (r == null) {
                throw new IllegalArgumentException("no " + table + " record " + sysId);
            }
            r.putAll(values);
        }
    }

    public Optional<Map<String, String>> record(String table, String sysId) {
        synchronized (lock) {
            Map<String, String> r = table(table).get(sysId);
            return Optional.ofNullable(r == null ? null : new LinkedHashMap<>(r));
        }
    }

    public List<Map<String, String>> records(String table) {
        synchronized (lock) {
            return table(table).values().stream().<Map<String, String>>map(LinkedHashMap::new).toList();
        }
    }

    /** Rows of a table matching an encoded query, without ACLs or approval polling. */
    public List<Map<String, String>> query(String table, String encodedQuery) {
        synchronized (lock) {
            return select(table, encodedQuery, Actor.SYSTEM, false).stream().<Map<String, String>>map(LinkedHashMap::new).toList();
        }
    }

    /** Journal entries of one field of a record, newest first. */
    public List<String> journal(String table, String sysId, String element) {
        synchronized (lock) {
            return journalEntries(table, sysId, element).stream().map(e -> e.get("value")).toList();
        }
    }

    public Optional<byte[]> attachmentContent(String attachmentSysId) {
        synchronized (lock) {
            return Optional.ofNullable(attachmentBytes.get(attachmentSysId)).map(byte[]::clone);
        }
    }

    /** Answers a waiting approval now, as an approver would. */
    public void decideApproval(String changeSysId, boolean approve, String comments) {
        synchronized (lock) {
            Map<String, String> change = table("change_request").get(changeSysId);
            if (change == null) {
                throw new IllegalArgumentException("No change request has the sys_id " + changeSysId + ".");
            }
            decide(change, approve ? "approved" : "rejected", comments);
        }
    }

    /** Answers every change waiting for approval at once, as a change advisory board meeting would; how many. */
    public int decideAllWaiting(boolean approve, String comments) {
        synchronized (lock) {
            int decided = 0;
            for (Map<String, String> change : List.copyOf(table("change_request").values())) {
                if ("requested".equals(change.get("approval"))) {
                    decide(change, approve ? "approved" : "rejected", comments);
                    decided++;
                }
            }
            return decided;
        }
    }

    // ---------------------------------------------------------------- operations behind the APIs

    public boolean hasTable(String table) {
        return schemas.containsKey(table);
    }

    public TableSchema schema(String table) {
        TableSchema s = schemas.get(table);
        if (s == null) {
            throw SnErrors.invalidTable(table);
        }
        return s;
    }

    Map<String, String> create(String table, Map<String, String> values, Actor actor, boolean inputDisplayValue) {
        TableSchema schema = schema(table);
        Acl.requireWrite(actor, table, "Insert");
        synchronized (lock) {
            LinkedHashMap<String, Map<String, String>> rows = table(table);
            String sysId = values.getOrDefault("sys_id", "");
            if (!sysId.isEmpty()) {
                if (!SYS_ID.matcher(sysId).matches()) {
                    sysId = Ids.hex32();
                } else if (rows.containsKey(sysId)) {
                    throw SnErrors.error(403, "Operation Failed", "Error during insert of " + table + " (" + sysId + ")");
                }
            } else {
                sysId = Ids.hex32();
            }
            Map<String, String> record = new LinkedHashMap<>();
            for (Field f : schema.fields()) {
                record.put(f.name(), f.isJournal() ? "" : schema.defaults().getOrDefault(f.name(), ""));
            }
            String now = now();
            record.put("sys_id", sysId);
            record.put("sys_created_on", now);
            record.put("sys_created_by", actor.userName());
            record.put("sys_updated_on", now);
            record.put("sys_updated_by", actor.userName());
            record.put("sys_mod_count", "0");
            record.put("sys_class_name", table);
            Map<String, String> journal = apply(schema, record, values, inputDisplayValue);
            if (schema.numberPrefix() != null && record.get("number").isEmpty()) {
                long n = counters.merge(table, 1L, Long::sum) - 1;
                record.put("number", schema.numberPrefix() + String.format(Locale.ROOT, "%07d", n));
            }
            rules.beforeWrite(schema, null, record, actor);
            rows.put(sysId, record);
            writeJournal(table, sysId, journal, actor);
            rules.afterWrite(schema, record);
            return new LinkedHashMap<>(record);
        }
    }

    Map<String, String> update(String table, String sysId, Map<String, String> values, Actor actor, boolean inputDisplayValue) {
        TableSchema schema = schema(table);
        synchronized (lock) {
            Map<String, String> existing = visible(table, sysId, actor);
            Acl.requireWrite(actor, table, "Update");
            Map<String, String> candidate = new LinkedHashMap<>(existing);
            Map<String, String> journal = apply(schema, candidate, values, inputDisplayValue);
            rules.beforeWrite(schema, existing, candidate, actor);
            candidate.put("sys_updated_on", now());
            candidate.put("sys_updated_by", actor.userName());
            candidate.put("sys_mod_count", Long.toString(Long.parseLong(existing.get("sys_mod_count")) + 1));
            existing.putAll(candidate);
            writeJournal(table, sysId, journal, actor);
            rules.afterWrite(schema, existing);
            return new LinkedHashMap<>(existing);
        }
    }

    void delete(String table, String sysId, Actor actor) {
        schema(table);
        synchronized (lock) {
            visible(table, sysId, actor);
            Acl.requireWrite(actor, table, "Delete");
            table(table).remove(sysId);
            approvals.remove(sysId);
            if (table.equals("sys_attachment")) {
                attachmentBytes.remove(sysId);
            }
        }
    }

    /** One record as the actor may see it; reading a change that waits for approval counts as a poll. */
    Map<String, String> find(String table, String sysId, Actor actor) {
        schema(table);
        synchronized (lock) {
            Map<String, String> r = visible(table, sysId, actor);
            observe(table, r);
            return new LinkedHashMap<>(r);
        }
    }

    ListResult list(String table, String encodedQuery, Map<String, String> equals, Actor actor, int offset, int limit) {
        TableSchema schema = schema(table);
        synchronized (lock) {
            if (table.equals("change_request")) {
                pollApprovals();
            }
            List<Map<String, String>> all;
            if (!Acl.canRead(actor, table)) {
                all = List.of(); // ACL-hidden rows are simply absent
            } else {
                all = select(table, encodedQuery, actor, true);
                if (!equals.isEmpty()) {
                    all = all.stream().filter(r -> equals.entrySet().stream().allMatch(e -> {
                        String raw = read(schema, r, e.getKey());
                        return e.getValue().equals(raw) || e.getValue().equals(display(schema, e.getKey(), r));
                    })).toList();
                }
            }
            int from = Math.min(offset, all.size());
            int to = (int) Math.min((long) from + limit, all.size());
            List<Map<String, String>> page = new ArrayList<>();
            for (Map<String, String> r : all.subList(from, to)) {
                page.add(new LinkedHashMap<>(r));
            }
            return new ListResult(page, all.size());
        }
    }

    Optional<Map<String, String>> findBy(String table, String field, String value) {
        synchronized (lock) {
            return table(table).values().stream().filter(r -> value.equals(r.get(field))).findFirst().map(LinkedHashMap::new);
        }
    }

    void storeAttachment(String sysId, byte[] content) {
        synchronized (lock) {
            attachmentBytes.put(sysId, content.clone());
        }
    }

    // ---------------------------------------------------------------- reading values

    /** Whether a (dot-walked) column exists on the table. */
    boolean knownField(TableSchema schema, String dotted) {
        return fieldOf(schema, dotted) != null;
    }

    /** The definition of the last column of a dot-walk, or null. */
    Field fieldOf(TableSchema schema, String dotted) {
        TableSchema s = schema;
        String[] parts = dotted.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            Field f = s.field(parts[i]);
            if (f == null) {
                return null;
            }
            if (i == parts.length - 1) {
                return f;
            }
            if (!f.isReference() || !schemas.containsKey(f.reference())) {
                return null;
            }
            s = schemas.get(f.reference());
        }
        return null;
    }

    /** The raw value of a (dot-walked) column, or null if the column does not exist. */
    String read(TableSchema schema, Map<String, String> record, String dotted) {
        int dot = dotted.indexOf('.');
        if (dot < 0) {
            return schema.has(dotted) ? record.getOrDefault(dotted, "") : null;
        }
        Field f = schema.field(dotted.substring(0, dot));
        if (f == null || !f.isReference() || !schemas.containsKey(f.reference())) {
            return null;
        }
        TableSchema target = schemas.get(f.reference());
        Map<String, String> next = table(f.reference()).get(record.getOrDefault(f.name(), ""));
        String rest = dotted.substring(dot + 1);
        if (next == null) {
            return knownField(target, rest) ? "" : null;
        }
        return read(target, next, rest);
    }

    /** What the UI shows for a (dot-walked) column. */
    String display(TableSchema schema, String dotted, Map<String, String> record) {
        int dot = dotted.lastIndexOf('.');
        TableSchema owner = schema;
        Map<String, String> row = record;
        String field = dotted;
        if (dot >= 0) {
            Field ref = fieldOf(schema, dotted.substring(0, dot));
            String refId = read(schema, record, dotted.substring(0, dot));
            owner = ref == null ? null : schemas.get(ref.reference());
            row = owner == null ? null : table(owner.name()).get(refId);
            field = dotted.substring(dot + 1);
            if (row == null) {
                return "";
            }
        }
        Field f = owner.field(field);
        if (f == null) {
            return "";
        }
        String raw = row.getOrDefault(field, "");
        return switch (f.type()) {
            case REFERENCE -> referenceDisplay(f.reference(), raw);
            case JOURNAL -> journalDisplay(owner.name(), row.get("sys_id"), field);
            default -> f.label(raw);
        };
    }

    String referenceDisplay(String targetTable, String sysId) {
        TableSchema target = schemas.get(targetTable);
        if (target == null || sysId.isEmpty()) {
            return "";
        }
        Map<String, String> r = table(targetTable).get(sysId);
        return r == null ? "" : r.getOrDefault(target.displayField(), "");
    }

    private String journalDisplay(String table, String sysId, String element) {
        String label = element.equals("work_notes") ? "Work notes" : "Additional comments";
        StringBuilder out = new StringBuilder();
        for (Map<String, String> e : journalEntries(table, sysId, element)) {
            String who = findBy("sys_user", "user_name", e.get("sys_created_by")).map(u -> u.get("name")).orElse(e.get("sys_created_by"));
            out.append(e.get("sys_created_on")).append(" - ").append(who).append(" (").append(label).append(")\n")
                    .append(e.get("value")).append("\n\n");
        }
        return out.toString();
    }

    private List<Map<String, String>> journalEntries(String table, String sysId, String element) {
        List<Map<String, String>> entries = new ArrayList<>();
        for (Map<String, String> e : table("sys_journal_field").values()) {
            if (sysId.equals(e.get("element_id")) && element.equals(e.get("element")) && table.equals(e.get("name"))) {
                entries.add(e);
            }
        }
        // stored oldest first; ServiceNow shows newest first
        java.util.Collections.reverse(entries);
        return entries;
    }

    // ---------------------------------------------------------------- internals

    private LinkedHashMap<String, Map<String, String>> table(String table) {
        LinkedHashMap<String, Map<String, String>> t = tables.get(table);
        if (t == null) {
            throw SnErrors.invalidTable(table);
        }
        return t;
    }

    private Map<String, String> visible(String table, String sysId, Actor actor) {
        Map<String, String> r = table(table).get(sysId);
        if (r == null || !Acl.canRead(actor, table)) {
            throw SnErrors.notFound();
        }
        return r;
    }

    private List<Map<String, String>> select(String table, String encodedQuery, Actor actor, boolean honourInvalidSwitch) {
        TableSchema schema = schema(table);
        EncodedQuery.Context context = new EncodedQuery.Context(clock.instant(), userSysId(actor.userName()), actor.userName(), actor.displayName());
        EncodedQuery q = EncodedQuery.parse(encodedQuery,
                f -> knownField(schema, f) && !unqueryable.contains(table + "." + f), context);
        if (honourInvalidSwitch && invalidQueryReturnsNoRows && q.hadInvalidParts()) {
            return List.of();
        }
        EncodedQuery.FieldReader reader = (rec, f) -> read(schema, rec, f);
        List<Map<String, String>> out = new ArrayList<>();
        for (Map<String, String> r : table(table).values()) {
            if (q.matches(r, reader)) {
                out.add(r);
            }
        }
        Comparator<Map<String, String>> order = q.ordering(reader);
        if (order != null) {
            out.sort(order);
        }
        return out;
    }

    /**
     * Copies request values onto a record the way ServiceNow stores them: unknown and system columns
     * ignored, text truncated, numbers normalised, references resolved, invalid strict choices dropped.
     * Journal values are returned separately, to be appended as entries.
     */
    private Map<String, String> apply(TableSchema schema, Map<String, String> record, Map<String, String> values, boolean inputDisplayValue) {
        Map<String, String> journal = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            Field f = schema.field(e.getKey());
            if (f == null || TableSchema.SYSTEM_FIELDS.contains(f.name())) {
                continue;
            }
            String v = e.getValue() == null ? "" : e.getValue();
            switch (f.type()) {
                case JOURNAL -> {
                    if (!v.isBlank()) {
                        journal.put(f.name(), v);
                    }
                    continue;
                }
                case CHOICE -> {
                    if (inputDisplayValue) {
                        v = f.choices().entrySet().stream().filter(c -> c.getValue().equals(e.getValue()))
                                .map(Map.Entry::getKey).findFirst().orElse(v);
                    }
                    v = normaliseNumber(v, f.numericChoice());
                    if (f.dropInvalid() && !v.isEmpty() && !f.choices().containsKey(v)) {
                        continue;
                    }
                }
                case INTEGER -> v = normaliseNumber(v, true);
                case BOOLEAN -> v = v.isEmpty() ? "" : Boolean.toString(Boolean.parseBoolean(v) || v.equals("1"));
                case DATETIME -> {
                    if (!v.isEmpty() && !Dates.valid(v)) {
                        continue;
                    }
                }
                case REFERENCE -> v = resolveReference(f.reference(), v);
                default -> {
                }
            }
            if (v.length() > f.maxLength()) {
                v = v.substring(0, f.maxLength());
            }
            record.put(f.name(), v);
        }
        return journal;
    }

    private static String normaliseNumber(String v, boolean numeric) {
        if (!numeric || v.isEmpty()) {
            return v;
        }
        try {
            double d = Double.parseDouble(v);
            if (d == Math.rint(d) && !Double.isInfinite(d)) {
                return Long.toString((long) d);
            }
        } catch (NumberFormatException e) {
            // not a number: kept as sent, as ServiceNow does
        }
        return v;
    }

    /** A reference may be given as a sys_id or as the target's display value. */
    private String resolveReference(String targetTable, String value) {
        if (value.isEmpty() || !schemas.containsKey(targetTable)) {
            return value;
        }
        LinkedHashMap<String, Map<String, String>> target = table(targetTable);
        if (target.containsKey(value)) {
            return value;
        }
        String displayField = schemas.get(targetTable).displayField();
        for (Map<String, String> r : target.values()) {
            if (value.equals(r.get(displayField))) {
                return r.get("sys_id");
            }
        }
        return value;
    }

    private void writeJournal(String table, String sysId, Map<String, String> journal, Actor actor) {
        for (Map.Entry<String, String> e : journal.entrySet()) {
            appendJournal(table, sysId, e.getKey(), e.getValue(), actor.userName());
        }
    }

    void appendJournal(String table, String sysId, String element, String text, String userName) {
        Map<String, String> entry = new LinkedHashMap<>();
        String now = now();
        entry.put("sys_id", Ids.hex32());
        entry.put("element", element);
        entry.put("element_id", sysId);
        entry.put("name", table);
        entry.put("value", text);
        entry.put("sys_created_on", now);
        entry.put("sys_created_by", userName);
        entry.put("sys_updated_on", now);
        entry.put("sys_updated_by", userName);
        entry.put("sys_mod_count", "0");
        entry.put("sys_class_name", "sys_journal_field");
        entry.put("sys_tags", "");
        table("sys_journal_field").put(entry.get("sys_id"), entry);
    }

    /**
     * The change table is being listed: each change waiting for approval counts a poll, whether or not the query
     * returns it, and the approvers answer those that are due. Approvers do not wait for a client to read the change
     * (a watcher may ask only for what changed), so a listing is the simulator's moment to let them act.
     */
    private void pollApprovals() {
        for (Map<String, String> change : List.copyOf(table("change_request").values())) {
            observe("change_request", change);
        }
    }

    /** A change waiting for approval is being read: count the poll and let the approvers answer if due. */
    private void observe(String table, Map<String, String> record) {
        if (!table.equals("change_request") || !"requested".equals(record.get("approval"))) {
            return;
        }
        String sysId = record.get("sys_id");
        ApprovalWait wait = approvals.computeIfAbsent(sysId, k -> new ApprovalWait(clock.instant()));
        wait.polls++;
        ApprovalPolicy policy = approvalOverrides.getOrDefault(sysId, approvalPolicy);
        if (policy.answersNow(wait.polls, Duration.between(wait.requestedAt, clock.instant()))) {
            decide(record, policy.decision(), null);
        }
    }

    private void decide(Map<String, String> change, String decision, String comments) {
        if (!"requested".equals(change.get("approval"))) {
            throw SnErrors.error(400, "Change request is not waiting for approval", "Approval is '" + change.get("approval") + "'");
        }
        approvals.remove(change.get("sys_id"));
        change.put("approval", decision);
        change.put("state", decision.equals("approved") ? "-2" : "-5");
        change.put("sys_updated_on", now());
        change.put("sys_updated_by", Actor.SYSTEM.userName());
        change.put("sys_mod_count", Long.toString(Long.parseLong(change.get("sys_mod_count")) + 1));
        String note = decision.equals("approved") ? "Change approved by the simulated change advisory board."
                : "Change rejected by the simulated change advisory board." + (comments == null ? "" : " " + comments);
        appendJournal("change_request", change.get("sys_id"), "work_notes", note, Actor.SYSTEM.userName());
    }

    /** Called by the rules when a change starts waiting for approval. */
    void approvalRequested(String sysId) {
        approvals.put(sysId, new ApprovalWait(clock.instant()));
    }

    String userSysId(String userName) {
        return findBy("sys_user", "user_name", userName).map(r -> r.get("sys_id")).orElse("");
    }

    // ---------------------------------------------------------------- persistence

    /** Everything needed to bring the instance back: tables, number counters, attachment bytes. */
    public Map<String, Object> exportState() {
        synchronized (lock) {
            Map<String, Object> out = new LinkedHashMap<>();
            Map<String, Object> t = new LinkedHashMap<>();
            tables.forEach((name, rows) -> t.put(name, new ArrayList<>(rows.values())));
            out.put("tables", t);
            out.put("counters", new LinkedHashMap<>(counters));
            Map<String, String> files = new LinkedHashMap<>();
            attachmentBytes.forEach((k, v) -> files.put(k, Base64.getEncoder().encodeToString(v)));
            out.put("attachments", files);
            return out;
        }
    }

    /**
     * Replaces the tables with a previously exported state (rows of unknown tables are skipped). The state is
     * checked whole first: when any part is not what {@link #exportState()} writes, nothing changes.
     *
     * @throws IllegalArgumentException naming the first part that is wrong, e.g. {@code tables.incident[3] has no sys_id}
     */
    public void importState(Map<String, Object> state) {
        Map<String, List<Map<String, String>>> rows = new LinkedHashMap<>();
        objectAt(state, "tables").forEach((name, value) -> {
            if (!(value instanceof List<?> list)) {
                throw new IllegalArgumentException("tables." + name + " is not a list of records");
            }
            List<Map<String, String>> records = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                records.add(record(list.get(i), "tables." + name + "[" + i + "]"));
            }
            rows.put(String.valueOf(name), records);
        });
        Map<String, Long> numbers = new LinkedHashMap<>();
        objectAt(state, "counters").forEach((name, value) -> {
            if (!(value instanceof Number n)) {
                throw new IllegalArgumentException("counters." + name + " is not a number");
            }
            numbers.put(String.valueOf(name), n.longValue());
        });
        Map<String, byte[]> files = new LinkedHashMap<>();
        objectAt(state, "attachments").forEach((id, value) -> {
            try {
                files.put(String.valueOf(id), Base64.getDecoder().decode((String) value));
            } catch (ClassCastException | IllegalArgumentException e) {
                throw new IllegalArgumentException("attachments." + id + " is not base64 text");
            }
        });
        synchronized (lock) {
            rows.forEach((name, records) -> {
                if (tables.containsKey(name)) {
                    LinkedHashMap<String, Map<String, String>> target = tables.get(name);
                    target.clear();
                    records.forEach(r -> target.put(r.get("sys_id"), r));
                }
            });
            counters.putAll(numbers);
            attachmentBytes.putAll(files);
            for (Map<String, String> change : tables.get("change_request").values()) {
                if ("requested".equals(change.get("approval"))) {
                    approvals.put(change.get("sys_id"), new ApprovalWait(clock.instant()));
                }
            }
        }
    }

    private static Map<?, ?> objectAt(Map<String, Object> state, String key) {
        Object value = state.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(key + " is not an object");
        }
        return map;
    }

    /** A stored record: column names to text values, with a sys_id. */
    private static Map<String, String> record(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + " is not a record");
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!(v instanceof String text)) {
                throw new IllegalArgumentException(where + "." + k + " is not text");
            }
            out.put(String.valueOf(k), text);
        });
        if (!SYS_ID.matcher(out.getOrDefault("sys_id", "")).matches()) {
            throw new IllegalArgumentException(where + " has no valid sys_id");
        }
        return out;
    }

    /** Names of all tables, for the sandbox banner. */
    public Set<String> tableNames() {
        return new LinkedHashSet<>(schemas.keySet());
    }
}
