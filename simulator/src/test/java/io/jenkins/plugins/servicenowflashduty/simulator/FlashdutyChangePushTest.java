package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Change;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Flashduty's change events: validation as the API does it, one change per key, and the control listing. */
@ExtendWith(SimulatorExtension.class)
class FlashdutyChangePushTest {
    private static final String PUSH = "/event/push/change/standard?integration_key=sandbox-change-key";
    private Simulator sim;
    private SimHttp http;

    @BeforeEach
    void start(Simulator sim) {
        this.sim = sim;
        this.http = new SimHttp(sim);
    }

    private void assertRejected(SimHttp.Reply r, String messagePart) {
        assertEquals(400, r.status(), r.body());
        assertEquals("InvalidParameter", r.json().get("error").get("code").asText());
        assertTrue(r.json().get("error").get("message").asText().contains(messagePart), r.body());
    }

    @Test
    void eventsWithOneKeyMergeIntoOneChangeInOrder() {
        long now = sim.clock().instant().getEpochSecond();
        for (String status : List.of("Planned", "Ready", "Processing", "Done")) {
            SimHttp.Reply r = http.post(PUSH, "{\"change_key\":\"CHG0030001\",\"change_status\":\"" + status + "\",\"title\":\"Deploy web\","
                    + "\"event_time\":" + (status.equals("Ready") ? now + 3600 : now) + ",\"link\":\"http://jenkins/job/web/1/\","
                    + "\"labels\":{\"job\":\"web\",\"build\":\"1\"}}");
            assertEquals(200, r.status(), r.body());
            assertEquals("CHG0030001", r.json().get("data").get("change_key").asText());
        }
        List<Change> changes = sim.flashduty().changes();
        assertEquals(1, changes.size());
        assertEquals("Done", changes.get(0).status());
        assertEquals(List.of("Planned", "Ready", "Processing", "Done"), changes.get(0).events().stream().map(e -> e.status()).toList());
        JsonNode listed = http.get("/_sim/flashduty/changes").json().get(0);
        assertEquals("CHG0030001", listed.get("change_key").asText());
        assertEquals(now + 3600, listed.get("events").get(1).get("event_time").asLong());
        assertEquals("web", listed.get("events").get(0).get("labels").get("job").asText());
    }

    @Test
    void badEventsAreRefusedAsFlashdutyDoes() {
        assertRejected(http.post(PUSH, "{\"change_status\":\"Done\",\"title\":\"t\"}"), "change_key is required");
        assertRejected(http.post(PUSH, "{\"change_key\":\"k\",\"change_status\":\"Finished\",\"title\":\"t\"}"), "change_status must be one of");
        assertRejected(http.post(PUSH, "{\"change_key\":\"k\",\"change_status\":\"Done\"}"), "title is required");
        assertRejected(http.post(PUSH, "{\"change_key\":\"k\",\"change_status\":\"Done\",\"title\":\"t\",\"description\":\"" + "x".repeat(2049) + "\"}"),
                "description must be at most 2048");
        long future = sim.clock().instant().getEpochSecond() + 86_400;
        assertRejected(http.post(PUSH, "{\"change_key\":\"k\",\"change_status\":\"Processing\",\"title\":\"t\",\"event_time\":" + future + "}"),
                "only for Ready");
        assertRejected(http.post(PUSH, "{\"change_key\":\"k\",\"change_status\":\"Done\",\"title\":\"t\",\"event_time\":\"soon\"}"),
                "event_time must be a timestamp in seconds");
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < 51; i++) {
            labels.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
        }
        assertRejected(http.post(PUSH, "{\"change_key\":\"k\",\"change_status\":\"Done\",\"title\":\"t\",\"labels\":{" + labels + "}}"),
                "at most 50");
        assertRejected(http.post("/event/push/change/standard?integration_key=wrong", "{}"), "integration_key is not a valid one");
        assertEquals(0, sim.flashduty().changes().size());
    }
}
