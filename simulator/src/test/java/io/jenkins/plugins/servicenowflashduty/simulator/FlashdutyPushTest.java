package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Alert;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SimulatorExtension.class)
class FlashdutyPushTest {
    private static final String PUSH = "/event/push/alert/standard?integration_key=sandbox-integration-key";
    private Simulator sim;
    private SimHttp http;

    @BeforeEach
    void start(Simulator sim) {
        this.sim = sim;
        this.http = new SimHttp(sim);
    }

    private SimHttp.Reply push(String json) {
        return http.post(PUSH, json);
    }

    private void assertRejected(SimHttp.Reply r, int status, String code, String messagePart) {
        assertEquals(status, r.status(), r.body());
        assertEquals(code, r.json().get("error").get("code").asText());
        assertTrue(r.json().get("error").get("message").asText().contains(messagePart), r.body());
        assertFalse(r.json().get("request_id").asText().isEmpty());
    }

    @Test
    void pushOpensAnAlertAndEchoesItsKey() {
        SimHttp.Reply r = push("{\"title_rule\":\"deploy-web #42 failed\",\"event_status\":\"Critical\",\"alert_key\":\"jenkins:deploy-web\","
                + "\"description\":\"see console\",\"labels\":{\"job\":\"deploy-web\",\"build\":\"42\"}}");
        assertEquals(200, r.status(), r.body());
        assertEquals("jenkins:deploy-web", r.json().get("data").get("alert_key").asText());
        assertEquals(r.json().get("request_id").asText(), r.header("Flashcat-Request-Id"));
        Alert alert = sim.flashduty().alert("jenkins:deploy-web").orElseThrow();
        assertEquals("Critical", alert.status());
        assertEquals("deploy-web", alert.events().get(0).labels().get("job"));
    }

    @Test
    void sameKeyUpdatesOneAlertAndOkRecoversIt() {
        push("{\"title_rule\":\"t\",\"event_status\":\"Warning\",\"alert_key\":\"k1\"}");
        push("{\"title_rule\":\"t\",\"event_status\":\"Warning\",\"alert_key\":\"k1\"}"); // identical: dropped
        push("{\"title_rule\":\"t\",\"event_status\":\"Critical\",\"alert_key\":\"k1\"}");
        assertEquals(1, sim.flashduty().alerts().size());
        Alert alert = sim.flashduty().alert("k1").orElseThrow();
        assertEquals(2, alert.events().size());
        assertEquals("Critical", alert.status());
        assertEquals(200, push("{\"title_rule\":\"t\",\"event_status\":\"Ok\",\"alert_key\":\"k1\"}").status());
        assertTrue(alert.recovered());
        // triggering the key again opens a new alert
        push("{\"title_rule\":\"t\",\"event_status\":\"Critical\",\"alert_key\":\"k1\"}");
        assertEquals(2, sim.flashduty().alerts().size());
    }

    @Test
    void withoutAKeyFlashdutyGeneratesOne() {
        SimHttp.Reply r = push("{\"title_rule\":\"t\",\"event_status\":\"Info\"}");
        String key = r.json().get("data").get("alert_key").asText();
        assertFalse(key.isEmpty());
        assertTrue(sim.flashduty().alert(key).isPresent());
    }

    /** The title Flashduty makes of a rule and labels (a JSON object's text), checked to be 200 first. */
    private String title(String rule, String labels, String status) {
        String key = "title-" + System.nanoTime();
        SimHttp.Reply r = push("{\"title_rule\":" + Json.MAPPER.valueToTree(rule) + ",\"event_status\":\"" + status + "\",\"alert_key\":\"" + key
                + "\",\"description\":\"see the log\",\"labels\":" + labels + "}");
        assertEquals(200, r.status(), r.body());
        return sim.flashduty().alert(key).orElseThrow().title();
    }

    @Test
    void simplifiedTitleRulesJoinPartsAndLabels() {
        String both = "{\"resource\":\"127.0.0.1\",\"check\":\"cpu idle low\"}";
        String one = "{\"resource\":\"127.0.0.1\"}";
        assertEquals("127.0.0.1 / cpu idle low", title("$resource::$check", both, "Critical"));
        assertEquals("127.0.0.1 / $check", title("$resource::$check", one, "Critical"));
        assertEquals("127.0.0.1 / Host Down", title("$resource:: Host Down", one, "Critical"));
        assertEquals("127.0.0.1", title("$resource", one, "Critical"));
        assertEquals("deploy $resource failed", title("deploy $resource failed", one, "Critical"));
    }

    @Test
    void tplRulesReferenceLabelsAndEventAttributes() {
        String both = "{\"resource\":\"127.0.0.1\",\"check\":\"cpu idle low\"}";
        String one = "{\"resource\":\"127.0.0.1\"}";
        assertEquals("127.0.0.1 / cpu idle low", title("[TPL]${resource} / ${check}", both, "Critical"));
        assertEquals("127.0.0.1 / <no value>", title("[TPL]${resource} / ${check}", one, "Critical"));
        assertEquals("127.0.0.1 / cpu idle low", title("[TPL]{{.Labels.resource}} / {{.Labels.check}}", both, "Critical"));
        assertEquals("127.0.0.1 / ", title("[TPL]{{.Labels.resource}} / {{.Labels.check}}", one, "Critical"));
        assertEquals("Warning / Host Down", title("[TPL]{{.EventSeverity}} / Host Down", one, "Warning"));
        assertEquals("127.0.0.1:see the log (Info)",
                title("[TPL]{{ index .Labels \"resource\" }}:  {{- /* why */ -}}  {{.Description}} ({{.EventStatus}})", one, "Info"));
    }

    @Test
    void tplRulesTheSandboxCannotRenderAreRefused() {
        for (String rule : new String[] {"[TPL]{{if .Labels.resource}}up{{end}}", "[TPL]{{.Labels.resource | upper}}",
            "[TPL]{{.Labels.resource", "[TPL]{{.IntegrationName}}", "[TPL]${resource"}) {
            SimHttp.Reply r = push("{\"title_rule\":" + Json.MAPPER.valueToTree(rule)
                    + ",\"event_status\":\"Critical\",\"labels\":{\"resource\":\"127.0.0.1\"}}");
            assertRejected(r, 400, "InvalidParameter", "title_rule");
        }
        assertTrue(sim.flashduty().alerts().isEmpty());
    }

    @Test
    void longTitlesAndDescriptionsAreTruncated() {
        push("{\"title_rule\":\"" + "x".repeat(600) + "\",\"event_status\":\"Critical\",\"alert_key\":\"t2\",\"description\":\"" + "d".repeat(3000) + "\"}");
        Alert a = sim.flashduty().alert("t2").orElseThrow();
        assertEquals(512, a.title().length());
        assertEquals(2048, a.events().get(0).description().length());
    }

    @Test
    void badInputIsAnsweredWithFlashdutysErrorCodes() {
        assertRejected(http.post("/event/push/alert/standard?integration_key=wrong", "{\"title_rule\":\"t\",\"event_status\":\"Info\"}"),
                400, "InvalidParameter", "integration_key is not a valid one");
        assertRejected(push("{\"title_rule\":\"t\",\"event_status\":\"critical\"}"), 400, "InvalidParameter", "event_status");
        assertRejected(push("{\"event_status\":\"Info\"}"), 400, "InvalidParameter", "title_rule");
        assertRejected(push("{\"title_rule\":\"t\",\"event_status\":\"Ok\"}"), 400, "InvalidParameter", "alert_key is required");
        assertRejected(push("{\"title_rule\":\"t\",\"event_status\":\"Info\",\"alert_key\":\"" + "k".repeat(256) + "\"}"),
                400, "InvalidParameter", "alert_key");
        assertRejected(push("{\"title_rule\":\"t\",\"event_status\":\"Info\",\"labels\":{\"n\":3}}"), 400, "InvalidParameter", "must be a string");
        assertRejected(push("{\"title_rule\":\"t\",\"event_status\":\"Info\",\"labels\":{\"bad-key\":\"v\"}}"), 400, "InvalidParameter", "bad-key");
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 51; i++) {
            many.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
        }
        assertRejected(push("{\"title_rule\":\"t\",\"event_status\":\"Info\",\"labels\":" + many + "}}"), 400, "InvalidParameter", "50");
        assertRejected(push("{not json"), 400, "InvalidParameter", "JSON");
        assertRejected(http.send("POST", PUSH, "title_rule=t", "application/x-www-form-urlencoded"), 400, "InvalidContentType", "application/json");
        assertRejected(http.get(PUSH), 400, "MethodNotAllowed", "GET");
        assertRejected(http.get("/event/push/nothing"), 404, "RouteNotFound", "not found");
        assertTrue(sim.flashduty().alerts().isEmpty());
    }

    @Test
    @SimulatorExtension.FixedClock("2026-11-23T10:00:00Z")
    void morethanAHundredPushesInOneSecondAreThrottled() {
        for (int i = 0; i < 100; i++) {
            assertEquals(200, push("{\"title_rule\":\"t\",\"event_status\":\"Info\",\"alert_key\":\"r" + i + "\"}").status());
        }
        assertRejected(push("{\"title_rule\":\"t\",\"event_status\":\"Info\"}"), 429, "RequestTooFrequently", "too frequently");
        sim.clock().advance(java.time.Duration.ofSeconds(1));
        assertEquals(200, push("{\"title_rule\":\"t\",\"event_status\":\"Info\"}").status());
        sim.flashduty().setRateLimited(false);
        for (int i = 0; i < 150; i++) {
            assertEquals(200, push("{\"title_rule\":\"t\",\"event_status\":\"Info\",\"alert_key\":\"u" + i + "\"}").status());
        }
    }
}
