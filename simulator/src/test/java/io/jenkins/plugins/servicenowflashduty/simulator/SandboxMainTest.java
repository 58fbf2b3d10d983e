package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
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
        try (Simulator second = Simulator.start()) {
            second.serviceNow().importState(Json.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Object>>() { }));
            SimHttp http = SimHttp.jenkins(second);
            assertEquals("persist me", http.get("/api/now/table/incident/" + sysId).result().get("short_description").asText());
            assertEquals("kept", second.serviceNow().journal("incident", sysId, "work_notes").get(0));
            String next = http.post("/api/now/table/incident", "{}").result().get("number").asText();
            assertTrue(next.compareTo(number) > 0, next + " after " + number);
        }
    }
}
