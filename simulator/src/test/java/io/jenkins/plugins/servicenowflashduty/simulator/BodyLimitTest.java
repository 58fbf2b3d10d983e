package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ServiceNow refuses REST payloads over 10 MB (10485760 bytes). The sandbox must refuse them while they
 * arrive, not after holding them whole: a 2.3 GB body once ran it out of memory.
 */
@ExtendWith(SimulatorExtension.class)
class BodyLimitTest {
    private static final Pattern DETAIL = Pattern.compile(
            "Rejected large REST payload with content-length = (\\d+) bytes\\. Max allowed: 10485760 bytes\\.");
    private Simulator sim;
    private SimHttp http;

    @BeforeEach
    void start(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
    }

    /** Twenty megabytes of JSON in 64 KB chunks, made as they are sent, with no last chunk: the body never ends. */
    private static void endlessChunkedJson(java.io.OutputStream out) throws java.io.IOException {
        byte[] filler = new byte[64 * 1024];
        Arrays.fill(filler, (byte) 'x');
        out.write(chunk("{\"short_description\":\"too big\",\"description\":\"".getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < 320; i++) {
            out.write(chunk(filler));
        }
        out.flush();
    }

    private static byte[] chunk(byte[] data) {
        byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size.length + data.length + 2];
        System.arraycopy(size, 0, out, 0, size.length);
        System.arraycopy(data, 0, out, size.length, data.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    private static long refusedLength(SimHttp.RawReply r) {
        assertEquals(400, r.status(), r.body());
        assertEquals("Exception while reading request", r.json().get("error").get("message").asText(), r.body());
        Matcher m = DETAIL.matcher(r.json().get("error").get("detail").asText());
        assertTrue(m.matches(), r.body());
        return Long.parseLong(m.group(1));
    }

    @Test
    void aChunkedBodyIsRefusedOnceItPassesTheLimitWithoutWaitingForItsEnd() {
        SimHttp.RawReply r = http.raw("POST /api/now/table/incident HTTP/1.1", BodyLimitTest::endlessChunkedJson,
                "Content-Type: application/json", "Transfer-Encoding: chunked");
        long length = refusedLength(r);
        assertTrue(length > 10485760 && length < 20 * 1024 * 1024, "stopped reading soon after the limit: " + length);
        assertTrue(sim.serviceNow().records("incident").isEmpty());
        assertEquals(201, http.post("/api/now/table/incident", "{\"short_description\":\"still serving\"}").status());
    }

    @Test
    void anAnnouncedLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() {
        SimHttp.RawReply r = http.raw("POST /api/now/table/incident HTTP/1.1", out -> out.write("{\"short_description\":".getBytes(StandardCharsets.UTF_8)),
                "Content-Type: application/json", "Content-Length: 2469606195");
        assertEquals(2469606195L, refusedLength(r));
        assertTrue(sim.serviceNow().records("incident").isEmpty());
        assertEquals(200, http.get("/api/now/table/incident").status());
    }

    @Test
    void theLimitHoldsForEveryApi() {
        String integration = "POST /event/push/alert/standard?integration_key=sandbox-integration-key HTTP/1.1";
        SimHttp.RawReply push = new SimHttp(sim).raw(integration, BodyLimitTest::endlessChunkedJson,
                "Content-Type: application/json", "Transfer-Encoding: chunked");
        assertEquals(400, push.status(), push.body());
        assertEquals("InvalidParameter", push.json().get("error").get("code").asText(), push.body());
        assertTrue(sim.flashduty().alerts().isEmpty());
        refusedLength(http.raw("PATCH /api/sn_chg_rest/change/0123456789abcdef0123456789abcdef HTTP/1.1", out -> { },
                "Content-Type: application/json", "Content-Length: 10485761"));
    }

    @Test
    void aBodyOfExactlyTheLimitIsRead() {
        String prefix = "{\"short_description\":\"at the limit\",\"description\":\"";
        String json = prefix + "x".repeat(10485760 - prefix.length() - 2) + "\"}";
        assertEquals(10485760, json.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(201, http.post("/api/now/table/incident", json).status());
    }
}
