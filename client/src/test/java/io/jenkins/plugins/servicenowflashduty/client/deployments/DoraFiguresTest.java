package io.jenkins.plugins.servicenowflashduty.client.deployments;

import static io.jenkins.plugins.servicenowflashduty.client.deployments.DeploymentLedgerTest.deployed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DORA figures per week, from deployments as recorded. */
class DoraFiguresTest {
    private static final Instant MONDAY = Instant.parse("2026-11-30T09:00:00Z");

    @Test
    void eachWeekCountsItsDeploymentsFailuresMedianLeadTimeAndRestore() {
        List<Deployment> d = new ArrayList<>();
        d.add(deployed(1, "CHG1", Deployment.SUCCESSFUL, MONDAY)); // lead time 1 day 2 min
        d.add(new Deployment(2, "CHG2", "", "normal", Deployment.UNSUCCESSFUL, null, null, MONDAY.plusSeconds(3600),
                MONDAY.plusSeconds(3720), MONDAY.minus(Duration.ofDays(3)), "", "", null, null));
        d.add(deployed(3, "CHG3", Deployment.SUCCESSFUL, MONDAY.plus(Duration.ofDays(2)))
                .withIncident("INC1", "", MONDAY.plus(Duration.ofDays(2)).plusSeconds(600)).withRestored(MONDAY.plus(Duration.ofDays(2)).plusSeconds(4200)));
        d.add(new Deployment(4, "CHG4", "", "normal", Deployment.CANCELED, MONDAY, null, null, null, null, "", "", null, null)); // never ran
        d.add(deployed(5, "CHG5", Deployment.SUCCESSFUL, MONDAY.plus(Duration.ofDays(14)))); // two weeks on, one empty between
        List<DoraFigures.Week> weeks = DoraFigures.weekly(d, null, null);
        assertEquals(3, weeks.size());
        DoraFigures.Week first = weeks.get(0);
        assertEquals(LocalDate.parse("2026-11-30"), first.start());
        assertEquals(3, first.deployments());
        assertEquals(2, first.failed());
        assertEquals(2.0 / 3, first.changeFailureRate(), 1e-9);
        assertEquals(Duration.ofDays(1).plusMinutes(2), first.leadTime(), "the median of 1 d, 1 d and 3 d");
        assertEquals(Duration.ofHours(1), first.timeToRestore());
        assertEquals(0, weeks.get(1).deployments());
        assertNull(weeks.get(1).changeFailureRate());
        assertNull(weeks.get(1).leadTime());
        assertEquals(1, weeks.get(2).deployments());
        DoraFigures.Totals t = DoraFigures.totals(d, weeks);
        assertEquals(4, t.deployments());
        assertEquals(0.5, t.changeFailureRate(), 1e-9);
        assertEquals(4.0 / 3, t.perWeek(), 1e-9);
    }

    @Test
    void aRangeGivesItsWeeksEvenEmptyAndALongOneIsCutToTwoYears() {
        List<DoraFigures.Week> w = DoraFigures.weekly(List.of(), LocalDate.parse("2026-11-04"), LocalDate.parse("2026-11-20"));
        assertEquals(List.of(LocalDate.parse("2026-11-02"), LocalDate.parse("2026-11-09"), LocalDate.parse("2026-11-16")),
                w.stream().map(DoraFigures.Week::start).toList());
        List<DoraFigures.Week> long_ = DoraFigures.weekly(List.of(), LocalDate.parse("2020-01-01"), LocalDate.parse("2026-11-30"));
        assertEquals(DoraFigures.MAX_WEEKS, long_.size());
        assertEquals(LocalDate.parse("2026-11-30"), long_.get(long_.size() - 1).start());
    }

    @Test
    void totalsCountOnlyTheWeeksDrawn() {
        List<Deployment> d = new ArrayList<>();
        for (int week = 0; week < 156; week++) { // three years, one deployment a week
            d.add(deployed(week, "CHG" + week, Deployment.SUCCESSFUL, MONDAY.minus(Duration.ofDays(7L * week))));
        }
        List<DoraFigures.Week> weeks = DoraFigures.weekly(d, null, null);
        DoraFigures.Totals t = DoraFigures.totals(d, weeks);
        assertEquals(DoraFigures.MAX_WEEKS, t.deployments());
        assertEquals(1.0, t.perWeek(), 1e-9);
        assertEquals(0, DoraFigures.totals(d, List.of()).deployments());
    }
}
