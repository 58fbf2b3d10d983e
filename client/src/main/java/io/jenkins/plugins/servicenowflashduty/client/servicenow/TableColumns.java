package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The columns a table has, from ServiceNow's dictionary ({@code sys_dictionary}, with the tables it extends from
 * {@code sys_db_object}: {@code incident} extends {@code task}), kept for ten minutes. ServiceNow drops a condition on
 * a field it does not know and answers with the whole table, and ignores a column it does not know on a write: every
 * field name that comes from a pipeline is checked here first, so a typo is one sentence, never every row.
 */
public final class TableColumns {
    private static final Duration KEEP = Duration.ofMinutes(10);
    /** Columns every record has, whatever the dictionary lists. */
    private static final Set<String> SYSTEM = Set.of("sys_id", "sys_created_on", "sys_created_by", "sys_updated_on", "sys_updated_by",
            "sys_mod_count", "sys_class_name", "sys_tags", "sys_domain", "sys_domain_path");
    /**
     * The field at the start of one condition of an encoded query. Column names are lower case (custom ones too), and
     * operators are upper case or symbols ({@code activeISEMPTY}, {@code nameSTARTSWITHx}, {@code priority<=2}), so the
     * field is the lower-case start.
     */
    private static final Pattern FIELD = Pattern.compile("^([a-z_][a-z0-9_.]*)");
    /** Parts of an encoded query that are not conditions on a field. */
    private static final Set<String> KEYWORDS = Set.of("EQ", "NQ", "OR", "RLQUERY", "ENDRLQUERY");

    private final ServiceNowClient client;
    private final Clock clock;
    private final Map<String, Known> known;

    private record Known(Set<String> columns, Instant readAt) {
    }

    /** What was read, per table; one per instance's client. */
    static final class Cache {
        private final Map<String, Known> tables = new ConcurrentHashMap<>();
    }

    TableColumns(ServiceNowClient client, Cache cache) {
        this(client, cache, Clock.systemUTC());
    }

    TableColumns(ServiceNowClient client, Cache cache, Clock clock) {
        this.client = client;
        this.known = cache.tables;
        this.clock = clock;
    }

    /**
     * Refuses an encoded query or a list of fields that names a column the table does not have.
     *
     * @throws io.jenkins.plugins.servicenowflashduty.client.http.ApiException with the sentence naming the field
     */
    public void checkQuery(String table, String encodedQuery, Collection<String> fields) {
        List<String> inQuery = fieldsOf(encodedQuery);
        if (inQuery.isEmpty() && (fields == null || fields.isEmpty())) {
            return;
        }
        Set<String> columns = of(table);
        if (columns == null) {
            return; // no record this user may read: the query cannot answer with rows it should not
        }
        for (String f : inQuery) {
            if (!has(columns, f)) {
                throw invalidInput("The table " + table + " has no field '" + f + "', which the query names; ServiceNow would ignore"
                        + " that condition and return every row. Check the field's name.");
            }
        }
        check(table, columns, fields, "fields:");
    }

    /** Refuses column names (of a step's {@code fields:}) that the table does not have, since ServiceNow would ignore them. */
    public void checkColumns(String table, Collection<String> names) {
        if (names != null && !names.isEmpty()) {
            Set<String> columns = of(table);
            if (columns != null) {
                check(table, columns, names, "fields:");
            }
        }
    }

    private static void check(String table, Set<String> columns, Collection<String> names, String where) {
        if (names == null) {
            return;
        }
        for (String n : names) {
            String name = n == null ? "" : n.strip();
            if (!name.isEmpty() && !has(columns, name)) {
                throw invalidInput("The table " + table + " has no field '" + name + "' (in " + where + "); ServiceNow would ignore it."
                        + " Check the field's name.");
            }
        }
    }

    /** A dot-walked name ({@code caller_id.name}) is checked by its first part, the column of this table. */
    private static boolean has(Set<String> columns, String field) {
        int dot = field.indexOf('.');
        String column = dot < 0 ? field : field.substring(0, dot);
        return columns.contains(column) || SYSTEM.contains(column);
    }

    /**
     * The columns of a table and of the tables it extends, or null when they cannot be learnt: from the dictionary
     * (which needs a role such as {@code personalize_dictionary} to read), else from one record of the table, whose
     * answer lists every column; a table without a record the user may read has nothing a query could wrongly return.
     */
    public Set<String> of(String table) {
        Known k = known.get(table);
        if (k != null && k.readAt.plus(KEEP).isAfter(clock.instant())) {
            return k.columns;
        }
        Set<String> columns = fromDictionary(table);
        if (columns == null) {
            columns = fromARecord(table);
        }
        if (columns != null) {
            known.put(table, new Known(columns, clock.instant()));
        }
        return columns;
    }

    private Set<String> fromDictionary(String table) {
        try {
            List<String> chain = chain(table);
            if (chain.isEmpty()) {
                return null; // not readable (ACLs hide rows rather than refuse), or not there: the table itself will tell
            }
            Set<String> columns = new LinkedHashSet<>();
            client.stream("sys_dictionary", TableQuery.where("name").in(chain).and("element").isNotEmpty(), 1000, "element")
                    .forEach(r -> columns.add(r.get("element")));
            return columns.isEmpty() ? null : Set.copyOf(columns);
        } catch (ApiException e) {
            if (e.problem() == Problem.FORBIDDEN || e.problem() == Problem.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private Set<String> fromARecord(String table) {
        List<SnRecord> one = client.query(table, TableQuery.all(), 1);
        return one.isEmpty() ? null : Set.copyOf(one.get(0).values().keySet());
    }

    /** The table and its ancestors, from sys_db_object's super_class; empty when the table is not found there. */
    private List<String> chain(String table) {
        List<String> chain = new ArrayList<>();
        SnRecord current = one(TableQuery.where("name").is(table));
        while (current != null && chain.size() < 10) {
            chain.add(current.get("name"));
            String parent = current.get("super_class");
            current = parent == null || parent.isEmpty() ? null : one(TableQuery.where("sys_id").is(parent));
        }
        return chain;
    }

    private SnRecord one(TableQuery q) {
        List<SnRecord> rows = client.query("sys_db_object", q, 1, "sys_id", "name", "super_class");
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The fields an encoded query's conditions and ordering name. */
    static List<String> fieldsOf(String encodedQuery) {
        List<String> fields = new ArrayList<>();
        if (encodedQuery == null || encodedQuery.isBlank()) {
            return fields;
        }
        for (String part : encodedQuery.strip().split("\\^(?:OR(?!DERBY)|NQ)?")) {
            String p = part.strip();
            if (p.isEmpty() || KEYWORDS.contains(p.toUpperCase(Locale.ROOT))) {
                continue;
            }
            if (p.startsWith("ORDERBYDESC")) {
                p = p.substring("ORDERBYDESC".length());
            } else if (p.startsWith("ORDERBY")) {
                p = p.substring("ORDERBY".length());
            } else if (p.startsWith("GROUPBY")) {
                p = p.substring("GROUPBY".length());
            }
            Matcher m = FIELD.matcher(p);
            if (m.find()) {
                String f = m.group(1);
                fields.add(f.endsWith(".") ? f.substring(0, f.length() - 1) : f);
            }
        }
        return fields;
    }
}
