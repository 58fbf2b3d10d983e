package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import java.time.Instant;
import java.time.LocalDate;
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
            "!=", "<=", ">=", "=", "<", ">");
    private static final Pattern FIELD = Pattern.compile("^([a-z0-9_]+(?:\\.[a-z0-9_]+)*)");
    private static final Pattern JS_AGO = Pattern.compile("javascript:gs\\.(daysAgoStart|daysAgoEnd|daysAgo|hoursAgo|minutesAgo)\\((-?\\d+)\\)");

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
     * @param now the instant {@code javascript:gs.daysAgo(n)} style values are computed from
     */
    public static EncodedQuery parse(String query, Predicate<String> knownField, Instant now) {
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
                Condition c = Condition.parse(or ? part.substring(2) : part, knownField, now);
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

    private record Condition(String field, String op, String value) {
        static Condition parse(String part, Predicate<String> knownField, Instant now) {
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
                    String value = resolve(rest.substring(op.length()), now);
                    if (value == null) {
                        return null;
                    }
                    return new Condition(field, op, value);
                }
            }
            return null;
        }

        private static String resolve(String value, Instant now) {
            if (!value.startsWith("javascript:")) {
                return value;
            }
            Matcher m = JS_AGO.matcher(value);
            if (!m.matches()) {
                return null;
            }
            long n = Long.parseLong(m.group(2));
            Instant t = switch (m.group(1)) {
                case "daysAgoStart" -> LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(n).atStartOfDay().toInstant(ZoneOffset.UTC);
                case "daysAgoEnd" -> LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(n).atTime(23, 59, 59).toInstant(ZoneOffset.UTC);
                case "daysAgo" -> now.minus(n, ChronoUnit.DAYS);
                case "hoursAgo" -> now.minus(n, ChronoUnit.HOURS);
                default -> now.minus(n, ChronoUnit.MINUTES);
            };
            return Dates.format(t);
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
                case "BETWEEN" -> between(v);
                default -> false;
            };
        }

        private boolean between(String v) {
            int at = value.indexOf('@');
            if (at < 0 || v.isEmpty()) {
                return false;
            }
            return compareValues(v, value.substring(0, at)) >= 0 && compareValues(v, value.substring(at + 1)) <= 0;
        }
    }
}
