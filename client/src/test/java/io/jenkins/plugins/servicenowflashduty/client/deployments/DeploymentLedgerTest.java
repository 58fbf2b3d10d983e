package io.jenkins.plugins.servicenowflashduty.client.deployments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's deployments as appended events: read back whole, with their incidents, past a line a crash cut short. */
class DeploymentLedgerTest {
    static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

    static Deployment deployed(int build, String change, String result, Instant start) {
        return new Deployment(build, change, "https://sn/" + change, "normal", result, start.minusSeconds(3600), start.minusSeconds(600),
                start, start.plusSeconds(120), start.minus(Duration.ofDays(1)), "", "", null, null);
    }

    @Test
    void aDeploymentItsIncidentAndTheRestoreAreReadBackAsOne(@TempDir Path dir) {
        Path file = dir.resolve("job").resolve(DeploymentLedger.FILE_NAME);
        assertEquals(List.of(), DeploymentLedger.read(file), "no file, no deployments");
        DeploymentLedger.deployed(file, deployed(1, "CHG1", Deployment.SUCCESSFUL, T));
        DeploymentLedger.deployed(file, deployed(2, "CHG2", Deployment.UNSUCCESSFUL, T.plusSeconds(7200)));
        DeploymentLedger.incident(file, "CHG1", "INC1", "https://sn/INC1", T.plusSeconds(600));
        DeploymentLedger.incident(file, "CHG1", "INC9", "https://sn/INC9", T.plusSeconds(700)); // the first one counts
        DeploymentLedger.restored(file, "INC1", T.plusSeconds(4200));
        DeploymentLedger.restored(file, "INC7", T.plusSeconds(4300)); // not caused by a deployment here
        List<Deployment> all = DeploymentLedger.read(file);
        assertEquals(2, all.size());
        Deployment first = all.get(0);
        assertEquals("INC1", first.incident());
        assertEquals(Duration.ofHours(1), first.timeToRestore());
        assertEquals(Duration.ofMinutes(50), first.approvalWait());
        assertEquals(Duration.ofMinutes(2), first.duration());
        assertEquals(Duration.ofDays(1).plusMinutes(2), first.leadTime());
        assertTrue(first.failed(), "it caused an incident");
        assertEquals(deployed(2, "CHG2", Deployment.UNSUCCESSFUL, T.plusSeconds(7200)), all.get(1));
    }

    @Test
    void aLineCutShortIsSkippedAndARecordRepeatedAfterARestartKeepsItsIncident(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(DeploymentLedger.FILE_NAME);
        DeploymentLedger.deployed(file, deployed(1, "CHG1", Deployment.SUCCESSFUL, T));
        DeploymentLedger.incident(file, "CHG1", "INC1", "", T.plusSeconds(600));
        // a crash cut the next line short, without its end: the following event is not lost with it
        Files.writeString(file, "{\"event\":\"deployed\",\"change\":\"CH", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        DeploymentLedger.deployed(file, deployed(1, "CHG1", Deployment.SUCCESSFUL, T));
        DeploymentLedger.restored(file, "INC1", T.plusSeconds(1200));
        List<Deployment> all = DeploymentLedger.read(file);
        assertEquals(1, all.size());
        assertEquals("INC1", all.get(0).incident());
        assertEquals(Duration.ofMinutes(10), all.get(0).timeToRestore());
    }

    @Test
    void aChangeNumberGivenAgainIsAnotherDeploymentAndItsIncidentGoesToTheLatest(@TempDir Path dir) {
        Path file = dir.resolve(DeploymentLedger.FILE_NAME);
        DeploymentLedger.deployed(file, deployed(1, "CHG1", Deployment.SUCCESSFUL, T));
        DeploymentLedger.deployed(file, deployed(7, "CHG1", Deployment.UNSUCCESSFUL, T.plusSeconds(86_400))); // a reset instance
        DeploymentLedger.incident(file, "CHG1", "INC1", "", T.plusSeconds(90_000));
        List<Deployment> all = DeploymentLedger.read(file);
        assertEquals(2, all.size());
        assertEquals("", all.get(0).incident());
        assertEquals("INC1", all.get(1).incident());
    }
}
