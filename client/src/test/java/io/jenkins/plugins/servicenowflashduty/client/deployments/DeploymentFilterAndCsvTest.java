package io.jenkins.plugins.servicenowflashduty.client.deployments;

import static io.jenkins.plugins.servicenowflashduty.client.deployments.DeploymentLedgerTest.deployed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Filters that refuse what they do not know, and CSV that a spreadsheet opens safely. */
class DeploymentFilterAndCsvTest {
    private static final Instant AT = Instant.parse("2026-12-01T23:30:00Z");

    @Test
    void aRangeIncludesBothDaysAndAResultNarrowsIt() {
        Deployment ok = deployed(1, "CHG1", Deployment.SUCCESSFUL, AT.minusSeconds(120)); // ends 23:30 on Dec 1
        assertTrue(DeploymentFilter.parse("2026-12-01", "2026-12-01", "").matches(ok));
        assertFalse(DeploymentFilter.parse("2026-12-02", null, null).matches(ok));
        assertFalse(DeploymentFilter.parse(null, "2026-11-30", null).matches(ok));
        assertTrue(DeploymentFilter.parse(null, null, "Successful").matches(ok));
        assertFalse(DeploymentFilter.parse(null, null, "failed").matches(ok));
        assertTrue(DeploymentFilter.parse(null, null, "failed").matches(ok.withIncident("INC1", "", AT)));
    }

    @Test
    void whatTheFilterDoesNotKnowIsOneSentence() {
        assertEquals("'green' is not a result to filter by; use one of successful, unsuccessful, aborted, canceled or failed.",
                assertThrows(ApiException.class, () -> DeploymentFilter.parse(null, null, "green")).getMessage());
        assertEquals("'12/01/2026' is not a day for 'from'; use yyyy-MM-dd, such as 2026-12-01.",
                assertThrows(ApiException.class, () -> DeploymentFilter.parse("12/01/2026", null, null)).getMessage());
        assertEquals("'+999999999-12-31' is not a day for 'to'; use yyyy-MM-dd, such as 2026-12-01.",
                assertThrows(ApiException.class, () -> DeploymentFilter.parse(null, "+999999999-12-31", null)).getMessage());
        assertEquals("The range ends (2026-11-01) before it starts (2026-12-01).",
                assertThrows(ApiException.class, () -> DeploymentFilter.parse("2026-12-01", "2026-11-01", null)).getMessage());
    }

    @Test
    void csvQuotesWhatItMustAndDisarmsFormulas() throws Exception {
        StringBuilder out = new StringBuilder();
        DeploymentCsv.write(out, List.of(new JobDeployment("=HYPERLINK(\"x\")", "job/a/1/", deployed(1, "CHG1", Deployment.SUCCESSFUL, AT)),
                new JobDeployment("shop, web", "job/b/2/", deployed(2, "CHG2", Deployment.UNSUCCESSFUL, AT))));
        String[] lines = out.toString().split("\r\n");
        assertEquals(DeploymentCsv.HEADER, lines[0]);
        assertTrue(lines[1].startsWith("\"'=HYPERLINK(\"\"x\"\")\",1,job/a/1/,CHG1,https://sn/CHG1,normal,successful,"), lines[1]);
        assertTrue(lines[1].endsWith(",3000,120,86520,,,,,"), lines[1]);
        assertTrue(lines[2].startsWith("\"shop, web\",2,"), lines[2]);
        assertEquals(3, lines.length);
    }
}
