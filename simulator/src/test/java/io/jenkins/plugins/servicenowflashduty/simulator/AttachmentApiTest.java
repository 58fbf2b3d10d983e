package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SimulatorExtension.class)
class AttachmentApiTest {
    private Simulator sim;
    private SimHttp http;
    private String incident;

    @BeforeEach
    void start(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
        incident = http.post("/api/now/table/incident", "{}").result().get("sys_id").asText();
    }

    private SimHttp.Reply upload(String query, byte[] bytes, String contentType) {
        return http.sendBytes("POST", "/api/now/attachment/file?" + query, bytes, contentType);
    }

    @Test
    void uploadStoresBytesAndAnswers201WithMetadata() {
        byte[] log = "BUILD FAILED\n".getBytes(StandardCharsets.UTF_8);
        SimHttp.Reply r = upload("table_name=incident&table_sys_id=" + incident + "&file_name=console.log", log, "text/plain");
        assertEquals(201, r.status(), r.body());
        JsonNode meta = r.result();
        String id = meta.get("sys_id").asText();
        assertEquals(sim.baseUrl() + "/api/now/attachment/" + id, r.header("Location"));
        assertEquals("console.log", meta.get("file_name").asText());
        assertEquals("text/plain", meta.get("content_type").asText());
        assertEquals("13", meta.get("size_bytes").asText());
        assertEquals("incident", meta.get("table_name").asText());
        assertEquals(incident, meta.get("table_sys_id").asText());
        assertEquals(sim.baseUrl() + "/api/now/attachment/" + id + "/file", meta.get("download_link").asText());

        SimHttp.Reply list = http.get("/api/now/attachment?sysparm_query=table_name=incident^table_sys_id=" + incident);
        assertTrue(list.result().size() >= 1);
        SimHttp.Reply file = http.get("/api/now/attachment/" + id + "/file");
        assertArrayEquals(log, file.body().getBytes(StandardCharsets.UTF_8));
        assertEquals("text/plain", file.header("Content-Type"));
        assertEquals(204, http.delete("/api/now/attachment/" + id).status());
        assertEquals(404, http.get("/api/now/attachment/" + id).status());
    }

    @Test
    void missingParametersContentTypeOrTargetAreRejected() {
        byte[] b = {1, 2, 3};
        assertEquals(400, upload("table_name=incident&file_name=x", b, "application/octet-stream").status());
        assertEquals(400, upload("table_name=incident&table_sys_id=" + incident + "&file_name=x", b, null).status());
        assertEquals(404, upload("table_name=incident&table_sys_id=0123456789abcdef0123456789abcdef&file_name=x", b, "text/plain").status());
        assertEquals(400, upload("table_name=nope&table_sys_id=" + incident + "&file_name=x", b, "text/plain").status());
        SimHttp.Reply readonly = new SimHttp(sim).as("readonly", "readonly")
                .sendBytes("POST", "/api/now/attachment/file?table_name=incident&table_sys_id=" + incident + "&file_name=x", b, "text/plain");
        assertEquals(404, readonly.status()); // the target is hidden from this user
    }
}
