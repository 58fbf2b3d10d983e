package io.jenkins.plugins.servicenowflashduty.client.change;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.servicenow.SimulatedInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The evidence note a closed change carries, and how it is written. */
class EvidenceTest {
    private static final Evidence.Commit COMMIT = new Evidence.Commit("0123456789abcdef0123", "Jane Doe",
            "Fix the checkout\n\nLonger explanation that stays out of the note", Instant.parse("2026-12-04T10:00:00Z"));

    @Test
    void theNoteListsWhatAnAuditorAsksFor() {
        Evidence e = new Evidence("shop/deploy #7", "https://ci.example.com/job/shop/job/deploy/7/", "successful", Duration.ofSeconds(133),
                List.of("linux-1"), List.of(COMMIT), new Evidence.Tests(125, 2, 3),
                List.of(new Evidence.Artifact("target/app.jar", 12_900_000, "d41d8cd98f00b204e9800998ecf8427e")));
        assertEquals("""
                Deployment evidence from Jenkins build shop/deploy #7
                Result: successful
                Deployment took: 2 min 13 s
                Agents: linux-1
                Tests: 120 passed, 2 failed, 3 skipped (125 in all)
                Commits: 1
                  0123456789ab Jane Doe 2026-12-04 10:00 UTC: Fix the checkout
                Artifacts: 1
                  target/app.jar (12.3 MiB) md5 d41d8cd98f00b204e9800998ecf8427e
                Build: https://ci.example.com/job/shop/job/deploy/7/""", e.note());
    }

    @Test
    void withoutTestsCommitsOrArtifactsTheNoteSaysSoAndLongListsAreCut() {
        Evidence bare = new Evidence("b #1", "", "unsuccessful: exit code 1", null, List.of(), List.of(), null, List.of());
        assertTrue(bare.note().contains("Tests: no test report recorded\n"), bare.note());
        assertTrue(bare.note().contains("Commits: none (no SCM changes since the previous build)\n"), bare.note());
        assertTrue(bare.note().contains("Artifacts: none archived"), bare.note());
        List<Evidence.Commit> many = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            many.add(COMMIT);
        }
        String note = new Evidence("b #2", "", "successful", null, List.of(), many, null, List.of()).note();
        assertTrue(note.contains("Commits: 45\n"), note);
        assertTrue(note.contains("  … and 15 more (see the build)"), note);
    }

    @Test
    void theEvidenceAndTheActualTimesAreWrittenOnTheChange() {
        try (Simulator sim = Simulator.start()) {
            Changes changes = new Changes(SimulatedInstance.client(sim));
            ChangeRef c = changes.open(ChangesTest.BUILD, ChangeRequest.normal("Deploy"));
            changes.recordEvidence(c, new Evidence("shop/deploy #7", "", "successful", null, List.of(), List.of(), null, List.of()),
                    Instant.parse("2026-12-04T10:00:00Z"), Instant.parse("2026-12-04T10:02:13Z"));
            Map<String, String> stored = sim.serviceNow().record("change_request", c.sysId()).orElseThrow();
            assertEquals("2026-12-04 10:00:00", stored.get("work_start"));
            assertEquals("2026-12-04 10:02:13", stored.get("work_end"));
            assertTrue(sim.serviceNow().journal("change_request", c.sysId(), "work_notes").get(0).startsWith("Deployment evidence from Jenkins build"));
        }
    }

    @Test
    void aLostAnswerOrAServerErrorStillLeavesOneNote() {
        try (Simulator sim = Simulator.start()) {
            Changes changes = new Changes(SimulatedInstance.client(sim));
            ChangeRef c = changes.open(ChangesTest.BUILD, ChangeRequest.normal("Deploy"));
            Evidence e = new Evidence("shop/deploy #7", "https://ci.example.com/job/shop/job/deploy/7/", "successful", null, List.of(),
                    List.of(), null, List.of());
            // the server writes the note and the answer is lost: the next attempt finds it and sends nothing more
            sim.faults().on("PATCH", "/api/now/table/change_request/").times(1).afterProcessing().drop();
            changes.recordEvidenceAsync(c, e, null, null).join();
            // a server error: nothing was written, so it is sent again
            sim.faults().on("PATCH", "/api/now/table/change_request/").times(1).respond(503);
            changes.recordEvidenceAsync(c, new Evidence("shop/deploy #8", "", "successful", null, List.of(), List.of(), null, List.of()),
                    null, null).join();
            List<String> notes = sim.serviceNow().journal("change_request", c.sysId(), "work_notes");
            assertEquals(1, notes.stream().filter(n -> n.startsWith("Deployment evidence from Jenkins build shop/deploy #7")).count(), notes.toString());
            assertEquals(1, notes.stream().filter(n -> n.startsWith("Deployment evidence from Jenkins build shop/deploy #8")).count(), notes.toString());
            assertEquals(1, sim.requests().all().stream().filter(r -> r.method().equals("PATCH") && r.body().contains("shop/deploy #7")).count(),
                    "found after the lost answer, not sent again");
            assertEquals(2, sim.requests().all().stream().filter(r -> r.method().equals("PATCH") && r.body().contains("shop/deploy #8")).count(),
                    "sent again after the 503");
        }
    }

    @Test
    void afterARestartTheNoteAnEarlierRunWroteIsFoundNotWrittenAgain() {
        try (Simulator sim = Simulator.start()) {
            Changes changes = new Changes(SimulatedInstance.client(sim));
            ChangeRef c = changes.open(ChangesTest.BUILD, ChangeRequest.normal("Deploy"));
            Evidence e = new Evidence("shop/deploy #9", "", "successful", null, List.of(), List.of(), null, List.of());
            Instant sent = Instant.now();
            changes.recordEvidenceAsync(c, e, null, null).join(); // the earlier run's write, its answer lost in the restart
            // the resumed run measures the deployment again (its end was not saved): the same build's note is found all the same
            Evidence again = new Evidence("shop/deploy #9", "", "successful", Duration.ofSeconds(95), List.of(), List.of(), null, List.of());
            changes.recordEvidenceAsync(c, again, null, null, sent).join();
            Evidence other = new Evidence("shop/deploy #10", "", "successful", null, List.of(), List.of(), null, List.of());
            changes.recordEvidenceAsync(c, other, null, null, sent).join(); // the earlier run never sent this one
            List<String> notes = sim.serviceNow().journal("change_request", c.sysId(), "work_notes");
            assertEquals(1, notes.stream().filter(n -> n.startsWith("Deployment evidence from Jenkins build shop/deploy #9\n")).count(), notes.toString());
            assertEquals(1, notes.stream().filter(n -> n.startsWith("Deployment evidence from Jenkins build shop/deploy #10\n")).count(), notes.toString());
        }
    }
}
