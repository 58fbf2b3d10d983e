package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed ServiceNow encoded query ({@code active=true^priority<=2^ORDERBYDESCnumber}).
 *
 * <p>As ServiceNow does, a part naming an unknown column or using an unknown operator is ignored and the
 * valid rest still applies, unless the instance is set to return no rows for invalid queries.
 */
public final class EncodedQuery {
    /** Operators longest first, so that {@code NOT LIKE} is not read as {@code NOT} and {@code <=} not as {@code <}. */
    private static final List<String> OPERATORS = List.of("ISNOTEMPTY", "ISEMPTY", "EMPTYSTRING", "ANYTHING",
            "NOT LIKE", "NOT IN", "STARTSWITH", "ENDSWITH", "BETWEEN", "NSAMEAS", "SAMEAS", "LIKE", "IN",
            "RELATIVEGT", "RELATIVEGE", "RELATIVELT", "RELATIVELE", "RELATIVEEE", "NOTON", "ON",
            "!=", "<=", ">=", "=", "<", ">");
    private static final Pattern FIELD = Pattern.compile("^([a-z0-9_]+(?:\\.[a-z0-9_]+)*)");
    private static final Pattern RELATIVE = Pattern.compile("@([a-z]+)@(ago|ahead)@([0-9]{1,6})");

    /**
     * What {@code javascript:} values and relative operators are computed from: the instant the query runs
     * and the user it runs as ({@code gs.getUserID()}, {@code gs.getUserName()}).
     */
    public record Context(Instant now, String userSysId, String userName, String userDisplayName) {
        /** A query run by nobody in particular: the user functions give empty values. */
        public static Context at(Instant now) {
            return new Context(now, "", "", "");
        }
    }

    /** Reads a column of a record, following dot-walks across references. */
    public interface FieldReader {
        /** The raw value, or null when the column does not exist on that table. */
        String read(Map<String, String> record, String dottedField);
    }

    private final List<List<List<Condition>>> groups; // ^NQ groups -> AND terms -> OR alternatives
    private final List<Order> orders;
    private final boolean invalid;

    private EncodedQuery(List<List<List<Condition>>> groups, List<Order> orders, boolean invalid) {
        this.groups = groups;
        this.orders = orders;
        this.invalid = invalid;
    }

    /**
     * Parses a query against a table.
     *
     * @param knownField tells whether a (dotted) column exists, so invalid parts can be dropped
     * @param context the instant and user {@code javascript:gs.*()} values and relative operators are computed from
     */
    public static EncodedQuery parse(String query, Predicate<String> knownField, Context context) {
        List<List<List<Condition>>> groups = new ArrayList<>();
        List<Order> orders = new ArrayList<>();
        boolean invalid = false;
        if (Text.blank(query)) {
            return new EncodedQuery(groups, orders, false);
        }
        for (String group : query.split("\\^NQ", -1)) {
            List<List<Condition>> terms = new ArrayList<>();
            for (String part : group.split("\\^", -1)) {
                if (part.isEmpty() || part.equals("EQ")) {
                    continue;
                }
                if (part.startsWith("ORDERBYDESC")) {
                    addOrder(orders, part.substring("ORDERBYDESC".length()), true, knownField);
                    continue;
                }
                if (part.startsWith("ORDERBY")) {
                    addOrder(orders, part.substring("ORDERBY".length()), false, knownField);
                    continue;
                }
                boolean or = part.startsWith("OR") && !terms.isEmpty();
                Condition c = Condition.parse(or ? part.substring(2) : part, knownField, context);
                if (c == null) {
                    invalid = true;
                    continue;
                }
                if (or) {
                    terms.get(terms.size() - 1).add(c);
                } else {
                    terms.add(new ArrayList<>(List.of(c)));
                }
            }
            groups.add(terms);
        }
        return new EncodedQuery(groups, orders, invalid);
    }

    private static void addOrder(List<Order> orders, String field, boolean descending, Predicate<String> knownField) {
        if (knownField.test(field)) {
            orders.add(new Order(field, descending));
        }
    }

    /** Whether some part was dropped as invalid. */
    public boolean hadInvalidParts() {
        return invalid;
    }

    public boolean matches(Map<String, String> record, FieldReader reader) {
        if (groups.isEmpty()) {
            return true;
        }
        for (List<List<Condition>> terms : groups) {
            boolean all = true;
            for (List<Condition> alternatives : terms) {
                if (alternatives.stream().noneMatch(c -> c.test(record, reader))) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** The sort the query asks for, or null to keep the table's order. */
    public Comparator<Map<String, String>> ordering(FieldReader reader) {
        Comparator<Map<String, String>> result = null;
        for (Order o : orders) {
            Comparator<Map<String, String>> c = (a, b) -> compareValues(nz(reader.read(a, o.field)), nz(reader.read(b, o.field)));
            if (o.descending) {
                c = c.reversed();
            }
            result = result == null ? c : result.thenComparing(c);
        }
        return result;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Numbers compare as numbers; everything else (including UTC date-times) as text. */
    static int compareValues(String a, String b) {
        Double x = number(a);
        Double y = number(b);
        if (x != null && y != null) {
            return Double.compare(x, y);
        }
        return a.compareTo(b);
    }

    private static Double number(String s) {
        if (s == null || s.isEmpty() || s.length() > 30) {
            return null;
        }
        char c = s.charAt(0);
        if (!(Character.isDigit(c) || c == '-' || c == '.')) {
            return null;
        }
        try {
            return Double.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private record Order(String field, boolean descending) {
    }

    /**
     * One term. {@code value} is resolved ({@code javascript:} computed); {@code low} and {@code high} bound the
     * range operators ({@code BETWEEN}, {@code ON}, {@code NOTON}, {@code RELATIVEEE}) or hold the one bound of
     * the other relative operators.
     */
    private record Condition(String field, String op, String value, String low, String high) {
        static Condition parse(String part, Predicate<String> knownField, Context context) {
            Matcher m = FIELD.matcher(part);
            if (!m.find()) {
                return null;
            }
            String field = m.group(1);
            String rest = part.substring(field.length());
            for (String op : OPERATORS) {
                if (rest.startsWith(op)) {
                    if (!knownField.test(field)) {
                        return null;
                    }
                    return build(field, op, rest.substring(op.length()), context);
                }
            }
            return null;
        }

        private static Condition build(String field, String op, String raw, Context context) {
            switch (op) {
                case "BETWEEN" -> {
                    int at = raw.indexOf('@');
                    String low = at < 0 ? null : resolve(raw.substring(0, at), context);
                    String high = at < 0 ? null : resolve(raw.substring(at + 1), context);
                    return low == null || high == null ? null : new Condition(field, op, raw, low, high);
                }
                case "ON", "NOTON" -> {
                    // ONToday@javascript:gs.beginningOfToday()@javascript:gs.endOfToday(): a label, then the range
                    String[] parts = raw.split("@", -1);
                    String low = parts.length == 3 ? resolve(parts[1], context) : null;
                    String high = parts.length == 3 ? resolve(parts[2], context) : null;
                    return low == null || high == null ? null : new Condition(field, op, raw, low, high);
                }
                case "RELATIVEGT", "RELATIVEGE", "RELATIVELT", "RELATIVELE", "RELATIVEEE" -> {
                    return relative(field, op, raw, context);
                }
                default -> {
                    String value = resolve(raw, context);
                    return value == null ? null : new Condition(field, op, value, null, null);
                }
            }
        }

        /** {@code RELATIVEGT@hour@ago@3}: compared with the instant 3 hours ago ({@code EE}: within that hour). */
        private static Condition relative(String field, String op, String raw, Context context) {
            Matcher m = RELATIVE.matcher(raw);
            if (!m.matches() || !ScriptValues.isUnit(m.group(1))) {
                return null;
            }
            String unit = m.group(1);
            long n = Long.parseLong(m.group(3));
            LocalDateTime then = ScriptValues.shift(LocalDateTime.ofInstant(context.now(), ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS),
                    unit, m.group(2).equals("ago") ? -n : n);
            if (op.equals("RELATIVEEE")) {
                return new Condition(field, op, raw, ScriptValues.format(ScriptValues.start(then, unit)),
                        ScriptValues.format(ScriptValues.end(then, unit)));
            }
            String bound = ScriptValues.format(then);
            return new Condition(field, op, raw, bound, bound);
        }

        private static String resolve(String value, Context context) {
            if (!value.startsWith("javascript:")) {
                return value;
            }
            return ScriptValues.evaluate(value.substring("javascript:".length()), context);
        }

        boolean test(Map<String, String> record, FieldReader reader) {
            String actual = reader.read(record, field);
            String v = actual == null ? "" : actual;
            return switch (op) {
                case "=" -> v.equals(value);
                case "!=" -> !v.equals(value);
                case "LIKE" -> v.toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT));
                case "NOT LIKE" -> !v.toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT));
                case "STARTSWITH" -> v.toLowerCase(Locale.ROOT).startsWith(value.toLowerCase(Locale.ROOT));
                case "ENDSWITH" -> v.toLowerCase(Locale.ROOT).endsWith(value.toLowerCase(Locale.ROOT));
                case "IN" -> Arrays.asList(value.split(",", -1)).contains(v);
                case "NOT IN" -> !Arrays.asList(value.split(",", -1)).contains(v);
                case "ISEMPTY" -> v.isEmpty();
                case "ISNOTEMPTY" -> !v.isEmpty();
                case "EMPTYSTRING" -> v.isEmpty();
                case "ANYTHING" -> true;
                case "SAMEAS" -> v.equals(nz(reader.read(record, value)));
                case "NSAMEAS" -> !v.equals(nz(reader.read(record, value)));
                case "<" -> !v.isEmpty() && compareValues(v, value) < 0;
                case "<=" -> !v.isEmpty() && compareValues(v, value) <= 0;
                case ">" -> !v.isEmpty() && compareValues(v, value) > 0;
                case ">=" -> !v.isEmpty() && compareValues(v, value) >= 0;
                case "BETWEEN", "ON", "RELATIVEEE" -> within(v);
                case "NOTON" -> !v.isEmpty() && !within(v);
                case "RELATIVEGT" -> !v.isEmpty() && compareValues(v, low) > 0;
                case "RELATIVEGE" -> !v.isEmpty() && compareValues(v, low) >= 0;
                case "RELATIVELT" -> !v.isEmpty() && compareValues(v, low) < 0;
                case "RELATIVELE" -> !v.isEmpty() && compareValues(v, low) <= 0;
                default -> false;
            };
        }

        private boolean within(String v) {
            return !v.isEmpty() && compareValues(v, low) >= 0 && compareValues(v, high) <= 0;
        }
    }
}
