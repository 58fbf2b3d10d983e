package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SimulatorExtension.class)
class SandboxMainTest {

    @Test
    void optionsParseAndTyposFailEarly() {
        SandboxMain.Options o = SandboxMain.parse(new String[] {"--port", "0", "--approval", "never", "--fault",
            "POST /api/now/table/incident status=503 times=1", "--state", "s.json"});
        assertEquals(0, o.port());
        assertEquals("never", o.approval().toString());
        assertEquals(1, o.faults().size());
        assertEquals(Path.of("s.json"), o.state());
        assertNull(SandboxMain.parse(new String[] {"--help"}));
        assertEquals(SandboxMain.DEFAULT_PORT, SandboxMain.parse(new String[0]).port());
        assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--port", "x"}));
        assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--approval", "sometimes"}));
        assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--fault", "GET"}));
        assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> SandboxMain.parse(new String[] {"--port"}));
    }

    @Test
    void bannerNamesTheUrlCredentialsAndAWorkingCurl(Simulator sim) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SandboxMain.banner(new PrintStream(out, true, StandardCharsets.UTF_8), sim, SandboxMain.parse(new String[0]));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains(sim.baseUrl()));
        assertTrue(text.contains("jenkins / jenkins"));
        assertTrue(text.contains("sandbox-integration-key"));
        assertTrue(text.contains("curl -u jenkins:jenkins '" + sim.baseUrl() + "/api/now/table/incident?sysparm_limit=5'"));
    }

    @Test
    void stateSurvivesARestartThroughTheStateFile(Simulator first, SimHttp firstHttp, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("sandbox.json");
        SimHttp.Reply r = firstHttp.post("/api/now/table/incident", "{\"short_description\":\"persist me\",\"work_notes\":\"kept\"}");
        String sysId = r.result().get("sys_id").asText();
        String number = r.result().get("number").asText();
        SandboxMain.save(first, file);
        try (Simulator second = SandboxMain.start(SandboxMain.parse(new String[] {"--port", "0", "--state", file.toString()}))) {
            SimHttp http = SimHttp.jenkins(second);
            assertEquals("persist me", http.get("/api/now/table/incident/" + sysId).result().get("short_description").asText());
            assertEquals("kept", second.serviceNow().journal("incident", sysId, "work_notes").get(0));
            String next = http.post("/api/now/table/incident", "{}").result().get("number").asText();
            assertTrue(next.compareTo(number) > 0, next + " after " + number);
        }
    }

    /** What {@link SandboxMain#run} printed and returned. */
    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String... args) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SandboxMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Refused to start: a non-zero exit, nothing served, and one sentence on stderr that names the trouble. */
    private static void assertRefused(Outcome o, String... mentions) {
        assertNotEquals(0, o.code(), o.toString());
        String err = o.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.endsWith("."), err);
        assertFalse(err.contains("Exception") || err.contains("\tat ") || err.contains("Usage"), err);
        for (String m : mentions) {
            assertTrue(err.contains(m), err + " should mention " + m);
        }
        assertEquals("", o.out(), "nothing was served");
    }

    @Test
    void badOptionsAreRefusedWithOneSentence() throws Exception {
        assertRefused(run("--port", "70000"), "70000");
        assertRefused(run("--port", "-1"), "-1");
        assertRefused(run("--port", "abc"), "abc");
        assertRefused(run("--bogus", "1"), "--bogus");
        assertRefused(run("--port"), "--port");
        assertRefused(run("--approval", "sometimes"), "sometimes");
        assertRefused(run("--fault", "GET /api/now/table/incident explode"), "explode");
    }

    @Test
    void aBusyPortIsRefusedWithOneSentence(Simulator busy) throws Exception {
        assertRefused(run("--port", Integer.toString(busy.port())), Integer.toString(busy.port()));
    }

    @Test
    void aCorruptStateFileIsRefusedAndLeftAsItWas(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sandbox.json");
        String[] corrupt = {
            "{\"tables\": {\"incident\": [{\"sys_id\": ",
            "[1, 2, 3]",
            "{\"tables\": {\"incident\": \"none\"}}",
            "{\"tables\": {\"incident\": [{\"short_description\": \"no sys_id\"}]}}",
            "{\"tables\": {\"incident\": [{\"sys_id\": \"0123456789abcdef0123456789abcdef\", \"impact\": {\"deep\": 1}}]}}",
            "{\"counters\": {\"incident\": \"ten\"}}",
            "{\"attachments\": {\"0123456789abcdef0123456789abcdef\": \"not base64!\"}}",
            "",
        };
        for (String text : corrupt) {
            Files.writeString(file, text);
            assertRefused(run("--port", "0", "--state", file.toString()), file.toString());
            assertEquals(text, Files.readString(file), "the state file is left alone");
        }
    }

    @Test
    void aStateFileThatCannotBeReadIsRefused(@TempDir Path dir) throws Exception {
        assertRefused(run("--port", "0", "--state", dir.toString()), dir.toString());
    }
}
