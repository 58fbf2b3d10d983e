package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code javascript:gs.*()} values of encoded queries: GlideSystem's date helpers and the current user,
 * computed in UTC (the simulator's users all use UTC) at the query's instant.
 *
 * <p>Only calls ServiceNow documents are known; anything else is {@code null}, and the query part that
 * uses it is dropped as invalid, as ServiceNow drops it.
 */
final class ScriptValues {
    private static final Pattern CALL = Pattern.compile("\\s*gs\\.([A-Za-z0-9]+)\\(\\s*(.*?)\\s*\\)\\s*;?\\s*");
    private static final Pattern AGO = Pattern.compile("(minutes|hours|days|months|quarters|years)Ago(Start|End)?");
    private static final Pattern DAY = Pattern.compile("(beginningOf|endOf)(Today|Yesterday|Tomorrow|OneYearAgo)");
    private static final Pattern PERIOD = Pattern.compile("(beginningOf|endOf)(This|Current|Last|Next)(Minute|Hour|Week|Month|Quarter|Year)");
    private static final Pattern SPAN = Pattern.compile("(beginningOf|endOf)(Last|Next)([1-9][0-9]{0,3})(Minutes|Hours|Days|Months|Quarters|Years)");
    private static final Pattern ARG = Pattern.compile("\\s*(?:'([^']*)'|\"([^\"]*)\"|(-?[0-9]+))\\s*");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);

    private ScriptValues() {
    }

    /** The value of {@code javascript:...} (without the prefix), or null when the call is unknown or malformed. */
    static String evaluate(String script, EncodedQuery.Context context) {
        Matcher call = CALL.matcher(script);
        if (!call.matches()) {
            return null;
        }
        String name = call.group(1);
        List<String> args = arguments(call.group(2));
        if (args == null) {
            return null;
        }
        LocalDateTime now = LocalDateTime.ofInstant(context.now(), ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);
        LocalDateTime t = args.isEmpty() ? withoutArguments(name, now) : null;
        if (t != null) {
            return DATE_TIME.format(t);
        }
        if (args.isEmpty()) {
            return switch (name) {
                case "getUserID" -> context.userSysId();
                case "getUserName" -> context.userName();
                case "getUserDisplayName" -> context.userDisplayName();
                case "now" -> now.toLocalDate().toString();
                case "nowDateTime", "nowNoTZ" -> DATE_TIME.format(now);
                default -> null;
            };
        }
        Matcher ago = AGO.matcher(name);
        if (ago.matches() && args.size() == 1 && !(ago.group(1).equals("years") && ago.group(2) != null)) {
            Integer n = integer(args.get(0));
            if (n == null || n < 0) {
                return null;
            }
            String unit = ago.group(1).substring(0, ago.group(1).length() - 1);
            LocalDateTime then = shift(now, unit, -n);
            if (ago.group(2) != null) {
                then = ago.group(2).equals("Start") ? start(then, unit) : end(then, unit);
            }
            return DATE_TIME.format(then);
        }
        if (name.equals("dateGenerate") && args.size() == 2) {
            return dateGenerate(args.get(0), args.get(1));
        }
        return null;
    }

    /** Period helpers without arguments: {@code beginningOfToday}, {@code endOfLastMonth}, {@code beginningOfLast15Minutes}... */
    private static LocalDateTime withoutArguments(String name, LocalDateTime now) {
        switch (name) {
            case "yesterday":
                return now.minusDays(1);
            case "lastWeek":
                return now.minusWeeks(1);
            default:
                break;
        }
        Matcher m = DAY.matcher(name);
        if (m.matches()) {
            LocalDateTime day = switch (m.group(2)) {
                case "Yesterday" -> now.minusDays(1);
                case "Tomorrow" -> now.plusDays(1);
                case "OneYearAgo" -> now.minusYears(1);
                default -> now;
            };
            return bound(m.group(1), day, "day");
        }
        m = PERIOD.matcher(name);
        if (m.matches()) {
            String unit = m.group(3).toLowerCase(Locale.ROOT);
            int offset = switch (m.group(2)) {
                case "Last" -> -1;
                case "Next" -> 1;
                default -> 0;
            };
            return bound(m.group(1), shift(now, unit, offset), unit);
        }
        m = SPAN.matcher(name);
        if (m.matches()) {
            // "Last 15 minutes": from the start of the unit n back to the end of the current one; "Next n" the other way
            String unit = m.group(4).substring(0, m.group(4).length() - 1).toLowerCase(Locale.ROOT);
            int n = Integer.parseInt(m.group(3));
            boolean beginning = m.group(1).equals("beginningOf");
            if (m.group(2).equals("Last")) {
                return beginning ? start(shift(now, unit, -n), unit) : end(now, unit);
            }
            return beginning ? start(shift(now, unit, 1), unit) : end(shift(now, unit, n), unit);
        }
        return null;
    }

    private static LocalDateTime bound(String which, LocalDateTime t, String unit) {
        return which.equals("beginningOf") ? start(t, unit) : end(t, unit);
    }

    /** {@code gs.dateGenerate('2026-11-24', 'start' | 'end' | 'HH:mm:ss')}; the date also as {@code yyyyMMdd}. */
    private static String dateGenerate(String date, String time) {
        try {
            LocalDate d = date.matches("\\d{8}") ? LocalDate.parse(date, DateTimeFormatter.BASIC_ISO_DATE) : LocalDate.parse(date);
            LocalTime at = switch (time) {
                case "start" -> LocalTime.MIDNIGHT;
                case "end" -> LocalTime.of(23, 59, 59);
                default -> LocalTime.parse(time);
            };
            return DATE_TIME.format(d.atTime(at.truncatedTo(ChronoUnit.SECONDS)));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The quoted or numeric arguments of a call, or null when they are something else (expressions, calls). */
    private static List<String> arguments(String text) {
        List<String> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        for (String part : text.split(",", -1)) {
            Matcher m = ARG.matcher(part);
            if (!m.matches()) {
                return null;
            }
            out.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
        }
        return out;
    }

    private static Integer integer(String s) {
        try {
            return Integer.valueOf(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ calendar units (also for RELATIVE operators)

    /** Whether ServiceNow's relative operators know the unit: minute, hour, day, week, month, quarter or year. */
    static boolean isUnit(String unit) {
        return switch (unit) {
            case "minute", "hour", "day", "week", "month", "quarter", "year" -> true;
            default -> false;
        };
    }

    /** {@code t} moved by {@code n} units (negative: back). */
    static LocalDateTime shift(LocalDateTime t, String unit, long n) {
        return switch (unit) {
            case "minute" -> t.plusMinutes(n);
            case "hour" -> t.plusHours(n);
            case "day" -> t.plusDays(n);
            case "week" -> t.plusWeeks(n);
            case "month" -> t.plusMonths(n);
            case "quarter" -> t.plusMonths(3 * n);
            case "year" -> t.plusYears(n);
            default -> throw new IllegalArgumentException(unit);
        };
    }

    /** The first second of the unit containing {@code t}; weeks start on Monday, as ServiceNow's do. */
    static LocalDateTime start(LocalDateTime t, String unit) {
        return switch (unit) {
            case "minute" -> t.truncatedTo(ChronoUnit.MINUTES);
            case "hour" -> t.truncatedTo(ChronoUnit.HOURS);
            case "day" -> t.truncatedTo(ChronoUnit.DAYS);
            case "week" -> t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).atStartOfDay();
            case "month" -> t.toLocalDate().withDayOfMonth(1).atStartOfDay();
            case "quarter" -> LocalDate.of(t.getYear(), (t.getMonthValue() - 1) / 3 * 3 + 1, 1).atStartOfDay();
            case "year" -> t.toLocalDate().withDayOfYear(1).atStartOfDay();
            default -> throw new IllegalArgumentException(unit);
        };
    }

    /** The last second of the unit containing {@code t}. */
    static LocalDateTime end(LocalDateTime t, String unit) {
        return shift(start(t, unit), unit, 1).minusSeconds(1);
    }

    static String format(LocalDateTime t) {
        return DATE_TIME.format(t);
    }
}
