package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds a ServiceNow encoded query from checked parts: {@code where("state").in("1", "2").and("active").is("true")}.
 *
 * <p>Encoded queries cannot escape {@code ^}, and lists cannot escape {@code ,}: values containing them
 * are refused rather than silently changing the query's meaning.
 */
public final class TableQuery {
    private static final Pattern FIELD = Pattern.compile("[a-z0-9_]+(\\.[a-z0-9_]+)*");

    private final List<String> parts = new ArrayList<>();
    private final List<String> orders = new ArrayList<>();

    private TableQuery() {
    }

    public static TableQuery where(String field, String op, String value) {
        return new TableQuery().and(field, op, value);
    }

    /** Starts with a condition on a field; finish it with {@code is}, {@code in}, ... */
    public static Condition where(String field) {
        return new TableQuery().and(field);
    }

    /** A query that matches every row. */
    public static TableQuery all() {
        return new TableQuery();
    }

    /**
     * A query a user typed, passed through as is (the {@code serviceNowQuery} step). Only its length and
     * characters that cannot travel are checked.
     */
    public static TableQuery raw(String encoded) {
        TableQuery q = new TableQuery();
        if (encoded != null && !encoded.isBlank()) {
            if (encoded.indexOf('\n') >= 0 || encoded.indexOf('\r') >= 0) {
                throw invalidInput("The encoded query must be on one line.");
            }
            q.parts.add(encoded.strip());
        }
        return q;
    }

    public Condition and(String field) {
        checkField(field);
        return new Condition(this, field);
    }

    TableQuery and(String field, String op, String value) {
        checkField(field);
        if (value.indexOf('^') >= 0) {
            throw invalidInput("The value '" + value + "' for " + field + " contains '^', which ServiceNow queries cannot carry.");
        }
        parts.add(field + op + value);
        return this;
    }

    /**
     * Rows matching this query or the other one ({@code ^NQ}, ServiceNow's "new query"): one request for two
     * questions. Both sides' conditions are kept as built; the orders of both apply to the whole answer.
     */
    public TableQuery orMatching(TableQuery other) {
        if (parts.isEmpty() || other.parts.isEmpty()) {
            throw new IllegalArgumentException("Both sides of an ^NQ query need a condition; an empty side would match every row.");
        }
        TableQuery q = new TableQuery();
        q.parts.add(String.join("^", parts) + "^NQ" + String.join("^", other.parts));
        q.orders.addAll(orders);
        q.orders.addAll(other.orders);
        return q;
    }

    public TableQuery orderBy(String field) {
        checkField(field);
        orders.add("ORDERBY" + field);
        return this;
    }

    public TableQuery orderByDescending(String field) {
        checkField(field);
        orders.add("ORDERBYDESC" + field);
        return this;
    }

    private static void checkField(String field) {
        if (field == null || !FIELD.matcher(field).matches()) {
            throw invalidInput("'" + field + "' is not a ServiceNow field name; use the column name, e.g. short_description.");
        }
    }

    /** The encoded query text. */
    public String encoded() {
        List<String> all = new ArrayList<>(parts);
        all.addAll(orders);
        return String.join("^", all);
    }

    @Override
    public String toString() {
        return encoded();
    }

    /** One condition on one field. */
    public static final class Condition {
        private final TableQuery query;
        private final String field;

        Condition(TableQuery query, String field) {
            this.query = query;
            this.field = field;
        }

        public TableQuery is(String value) {
            return query.and(field, "=", value);
        }

        public TableQuery isNot(String value) {
            return query.and(field, "!=", value);
        }

        public TableQuery contains(String value) {
            return query.and(field, "LIKE", value);
        }

        public TableQuery startsWith(String value) {
            return query.and(field, "STARTSWITH", value);
        }

        public TableQuery greaterOrEqual(String value) {
            return query.and(field, ">=", value);
        }

        public TableQuery in(Collection<String> values) {
            for (String v : values) {
                if (v.indexOf(',') >= 0) {
                    throw invalidInput("The value '" + v + "' for " + field + " contains ',', which a ServiceNow list cannot carry.");
                }
            }
            return query.and(field, "IN", String.join(",", values));
        }

        public TableQuery in(String... values) {
            return in(List.of(values));
        }

        public TableQuery isEmpty() {
            return query.and(field, "ISEMPTY", "");
        }

        public TableQuery isNotEmpty() {
            return query.and(field, "ISNOTEMPTY", "");
        }
    }
}
