package io.jenkins.plugins.servicenowflashduty.client.deployments;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The four DORA figures, per week (Monday to Sunday, UTC): deployment frequency (deployments that ran), lead time for
 * changes (median, oldest commit to the deployment's end), change failure rate (deployments that ended unsuccessful or
 * caused an incident, of those that ran) and time to restore (median, incident opened to resolved, in the week the
 * incident opened). Weeks without deployments are there with zeros, so a chart's gaps are real.
 */
public final class DoraFigures {
    /** The longest series drawn: two years of weeks. */
    public static final int MAX_WEEKS = 104;

    private DoraFigures() {
    }

    /** One week's figures; a median is null where the week has nothing to measure. */
    public record Week(LocalDate start, int deployments, int failed, Duration leadTime, Duration timeToRestore) {
        /** Failed of those that ran, from 0 to 1; null for a week without deployments. */
        public Double changeFailureRate() {
            return deployments == 0 ? null : (double) failed / deployments;
        }
    }

    /** The figures over a whole range, the same way. */
    public record Totals(int deployments, int failed, int weeks, Duration leadTime, Duration timeToRestore) {
        public Double changeFailureRate() {
            return deployments == 0 ? null : (double) failed / deployments;
        }

        /** Deployments per week over the range. */
        public double perWeek() {
            return weeks == 0 ? 0 : (double) deployments / weeks;
        }
    }

    /**
     * Weekly figures from the first to the last week (the range's, or the deployments' when the range is open), at
     * most {@link #MAX_WEEKS} ending with the last.
     */
    public static List<Week> weekly(Collection<Deployment> deployments, LocalDate from, LocalDate to) {
        TreeMap<LocalDate, Bucket> weeks = new TreeMap<>();
        for (Deployment d : deployments) {
            if (d.ran()) {
                Bucket b = weeks.computeIfAbsent(weekOf(d.at()), w -> new Bucket());
                b.deployments++;
                if (d.failed()) {
                    b.failed++;
                }
                if (d.leadTime() != null) {
                    b.leadTimes.add(d.leadTime().getSeconds());
                }
            }
            if (d.timeToRestore() != null) {
                weeks.computeIfAbsent(weekOf(d.incidentOpened()), w -> new Bucket()).restores.add(d.timeToRestore().getSeconds());
            }
        }
        if (weeks.isEmpty() && (from == null || to == null)) {
            return List.of();
        }
        LocalDate first = from != null ? monday(from) : weeks.firstKey();
        LocalDate last = to != null ? monday(to) : weeks.lastKey();
        if (ChronoUnit.WEEKS.between(first, last) >= MAX_WEEKS) {
            first = last.minusWeeks(MAX_WEEKS - 1);
        }
        List<Week> out = new ArrayList<>();
        for (LocalDate w = first; !w.isAfter(last); w = w.plusWeeks(1)) {
            Bucket b = weeks.getOrDefault(w, new Bucket());
            out.add(new Week(w, b.deployments, b.failed, median(b.leadTimes), median(b.restores)));
        }
        return out;
    }

    /**
     * The figures over the weeks given (those {@link #weekly} drew), the same way: a deployment or a restore outside
     * them counts in neither.
     */
    public static Totals totals(Collection<Deployment> deployments, List<Week> weeks) {
        if (weeks.isEmpty()) {
            return new Totals(0, 0, 0, null, null);
        }
        LocalDate first = weeks.get(0).start();
        LocalDate last = weeks.get(weeks.size() - 1).start();
        int ran = 0;
        int failed = 0;
        List<Long> leadTimes = new ArrayList<>();
        List<Long> restores = new ArrayList<>();
        for (Deployment d : deployments) {
            if (d.ran() && within(weekOf(d.at()), first, last)) {
                ran++;
                failed += d.failed() ? 1 : 0;
                if (d.leadTime() != null) {
                    leadTimes.add(d.leadTime().getSeconds());
                }
            }
            if (d.timeToRestore() != null && within(weekOf(d.incidentOpened()), first, last)) {
                restores.add(d.timeToRestore().getSeconds());
            }
        }
        return new Totals(ran, failed, weeks.size(), median(leadTimes), median(restores));
    }

    private static boolean within(LocalDate week, LocalDate first, LocalDate last) {
        return !week.isBefore(first) && !week.isAfter(last);
    }

    /** The Monday (UTC) of the week of that instant. */
    public static LocalDate weekOf(Instant at) {
        return monday(at.atOffset(ZoneOffset.UTC).toLocalDate());
    }

    private static LocalDate monday(LocalDate day) {
        return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }

    private static Duration median(List<Long> seconds) {
        if (seconds.isEmpty()) {
            return null;
        }
        long[] s = seconds.stream().mapToLong(Long::longValue).sorted().toArray();
        int mid = s.length / 2;
        return Duration.ofSeconds(s.length % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2);
    }

    private static final class Bucket {
        int deployments;
        int failed;
        final List<Long> leadTimes = new ArrayList<>();
        final List<Long> restores = new ArrayList<>();
    }
}
