package io.jenkins.plugins.servicenowflashduty.client.worknote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SimulatedInstance;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkNotesTest {
    private Simulator sim;
    private ServiceNowClient client;
    private WorkNotes notes;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        client = SimulatedInstance.client(sim);
        notes = new WorkNotes(client);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void notesAndCommentsByNumberOrBySysIdReadBackNewestFirst() {
        SnRecord inc = client.create("incident", Map.of("short_description", "x"));
        SnRecord chg = client.create("change_request", Map.of("short_description", "y"));
        notes.add(TicketRef.number(inc.number()), JournalField.WORK_NOTES, "first");
        sim.clock().advance(java.time.Duration.ofSeconds(1)); // journal times have one-second resolution
        notes.add(TicketRef.of(null, "incident", inc.sysId()), JournalField.WORK_NOTES, "second <b>bold</b> ✓");
        notes.add(TicketRef.number(inc.number()), JournalField.COMMENTS, "for the caller");
        SnRecord onChange = notes.add(TicketRef.of(chg.number(), null, null), JournalField.parse("work note"), "deploying");
        assertEquals(chg.number(), onChange.number());
        List<JournalEntry> read = notes.read(TicketRef.number(inc.number()), JournalField.WORK_NOTES, 10);
        assertEquals(List.of("second <b>bold</b> ✓", "first"), read.stream().map(JournalEntry::text).toList());
        assertEquals("jenkins", read.get(0).createdBy());
        assertEquals(List.of("for the caller"), sim.serviceNow().journal("incident", inc.sysId(), "comments"));
        assertEquals(List.of("deploying"), sim.serviceNow().journal("change_request", chg.sysId(), "work_notes"));
    }

    @Test
    void twoIdenticalNotesAreTwoNotesEvenWhenTheSecondIsRetried() {
        SnRecord inc = client.create("incident", Map.of("short_description", "x"));
        notes.add(TicketRef.number(inc.number()), JournalField.WORK_NOTES, "Deployment started");
        // refused before the server acted: the earlier identical note must not pass for this attempt
        sim.faults().on("PATCH", "/api/now/table/incident").times(1).respond(502);
        notes.add(TicketRef.number(inc.number()), JournalField.WORK_NOTES, "Deployment started");
        assertEquals(List.of("Deployment started", "Deployment started"), sim.serviceNow().journal("incident", inc.sysId(), "work_notes"));
        assertEquals(3, sim.requests().matching("PATCH", "/api/now/table/incident").size()); // one, then one refused and repeated
    }

    @Test
    void aNoteWhoseAnswerIsLostIsWrittenOnceBesideAnIdenticalEarlierOne() {
        SnRecord inc = client.create("incident", Map.of("short_description", "x"));
        notes.add(TicketRef.number(inc.number()), JournalField.WORK_NOTES, "Deployment started");
        sim.faults().on("PATCH", "/api/now/table/incident").times(1).afterProcessing().respond(502);
        SnRecord noted = notes.add(TicketRef.number(inc.number()), JournalField.WORK_NOTES, "Deployment started");
        assertEquals(inc.number(), noted.number());
        assertEquals(2, sim.serviceNow().journal("incident", inc.sysId(), "work_notes").size());
        assertEquals(2, sim.requests().matching("PATCH", "/api/now/table/incident").size()); // no repeat of the lost one
    }

    private String refused(Runnable r) {
        ApiException e = assertThrows(ApiException.class, r::run);
        return e.getMessage();
    }

    @Test
    void badReferencesAndTextAreOneSentence() {
        assertEquals("Name the ticket either by number (e.g. INC0010002) or by table and sys_id, not neither.",
                refused(() -> TicketRef.of(" ", null, null)));
        assertEquals("Name the ticket either by number (e.g. INC0010002) or by table and sys_id, not both.",
                refused(() -> TicketRef.of("INC0010001", "incident", "0123456789abcdef0123456789abcdef")));
        assertEquals("A sys_id needs the table it belongs to, e.g. incident.", refused(() -> TicketRef.of(null, null, "0123456789abcdef0123456789abcdef")));
        assertEquals("'comment please' is not a journal field; use work_notes (internal) or comments (visible to the caller).",
                refused(() -> JournalField.parse("comment please")));
        assertEquals("The work note is empty.", refused(() -> notes.add(TicketRef.number("INC0010001"), JournalField.WORK_NOTES, " ")));
        assertTrue(refused(() -> notes.add(TicketRef.number("INC0010001"), JournalField.WORK_NOTES, "x".repeat(100_001)))
                .startsWith("The note is 100001 characters long"));
        ApiException missing = assertThrows(ApiException.class, () -> notes.add(TicketRef.number("INC0099999"), JournalField.WORK_NOTES, "x"));
        assertEquals(Problem.NOT_FOUND, missing.problem());
        assertEquals("ServiceNow has no incident numbered INC0099999, or the user may not read it.", missing.getMessage());
    }

    @Test
    void attachmentsAreUploadedOnceEvenWhenTheAnswerIsLost() {
        SnRecord inc = client.create("incident", Map.of());
        byte[] log = "BUILD FAILED\n".getBytes(StandardCharsets.UTF_8);
        sim.faults().on("POST", "/api/now/attachment/file").times(1).afterProcessing().drop();
        SnRecord a = client.attach("incident", inc.sysId(), "console.log", "text/plain", log);
        assertEquals("console.log", a.get("file_name"));
        assertEquals(1, client.attachments("incident", inc.sysId()).size());
        assertEquals(13, sim.serviceNow().attachmentContent(a.sysId()).orElseThrow().length);
        assertEquals("The attachment needs a plain file name, not '../etc/passwd'.",
                refused(() -> client.attach("incident", inc.sysId(), "../etc/passwd", null, log)));
    }
}
