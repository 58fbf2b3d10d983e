package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultPlan;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultRule;
import io.jenkins.plugins.servicenowflashduty.simulator.http.LoggedRequest;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SimulatorExtension.class)
class FaultInjectionTest {
    private Simulator sim;
    private SimHttp http;

    @BeforeEach
    void start(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
    }

    private int incidents() {
        return sim.serviceNow().records("incident").size();
    }

    @Test
    void failTheFirstNRequestsThenSucceed() {
        sim.faults().on("POST", "/api/now/table/incident").times(2).respond(503);
        assertEquals(503, http.post("/api/now/table/incident", "{}").status());
        SimHttp.Reply second = http.post("/api/now/table/incident", "{}");
        assertEquals(503, second.status());
        assertTrue(second.header("Content-Type").startsWith("text/html"));
        assertEquals(0, incidents());
        assertEquals(201, http.post("/api/now/table/incident", "{}").status());
        assertEquals(1, incidents());
        assertTrue(sim.faults().rules().isEmpty());
    }

    @Test
    void rateLimitAnswerCarriesRetryAfterAndServiceNowsHeaders() {
        sim.faults().on("GET", "/api/now/table/").times(1).retryAfter(2).respond(429);
        SimHttp.Reply r = http.get("/api/now/table/incident");
        assertEquals(429, r.status());
        assertEquals("2", r.header("Retry-After"));
        assertEquals("100", r.header("X-RateLimit-Limit"));
        assertTrue(r.header("X-RateLimit-Reset").matches("\\d+"));
        assertEquals("Rate limit exceeded", r.errorMessage());
        assertEquals(200, http.get("/api/now/table/incident").status());
    }

    @Test
    void flashdutyFaultsUseFlashdutysBody() {
        sim.faults().on("POST", "/event/").times(1).respond(429);
        SimHttp.Reply r = new SimHttp(sim).post("/event/push/alert/standard?integration_key=sandbox-integration-key",
                "{\"title_rule\":\"t\",\"event_status\":\"Info\"}");
        assertEquals(429, r.status());
        assertEquals("RequestTooFrequently", r.json().get("error").get("code").asText());
        assertTrue(sim.flashduty().alerts().isEmpty());
    }

    @Test
    void serverErrorLooksLikeACancelledTransaction() {
        sim.faults().on("*", "/api/").times(1).respond(500);
        SimHttp.Reply r = http.get("/api/now/table/incident");
        assertEquals(500, r.status());
        assertTrue(r.errorMessage().contains("maximum execution time exceeded"));
    }

    @Test
    void droppedConnectionGivesTheClientNoAnswer() {
        // the JDK client silently retries an idempotent GET once on a closed connection, so drop every try
        sim.faults().on("GET", "/api/now/table/incident").drop();
        assertThrows(UncheckedIOException.class, () -> http.get("/api/now/table/incident"));
        assertTrue(sim.requests().all().stream().anyMatch(r -> r.status() == 0 && r.fault().contains("drop")));
        sim.faults().clear();
        assertEquals(200, http.get("/api/now/table/incident").status());
    }

    @Test
    void afterProcessingFaultsLetTheCreateHappen() {
        sim.faults().on("POST", "/api/now/table/incident").times(1).afterProcessing().respond(502);
        assertEquals(502, http.post("/api/now/table/incident", "{\"correlation_id\":\"x\"}").status());
        assertEquals(1, incidents()); // the record exists although the caller saw a failure

        sim.faults().on("POST", "/api/now/table/incident").times(1).afterProcessing().drop();
        assertThrows(UncheckedIOException.class, () -> http.post("/api/now/table/incident", "{}"));
        assertEquals(2, incidents());
    }

    @Test
    void delayMakesAClientTimeOut() {
        sim.faults().on("GET", "/api/now/table/sys_user").times(1).delay(Duration.ofMillis(800));
        UncheckedIOException late = assertThrows(UncheckedIOException.class,
                () -> SimHttp.jenkins(sim).timeout(Duration.ofMillis(200)).get("/api/now/table/sys_user"));
        assertInstanceOf(HttpTimeoutException.class, late.getCause());
        assertEquals(200, http.get("/api/now/table/sys_user").status());
    }

    @Test
    void methodAndPathMustBothMatch() {
        sim.faults().on("POST", "/api/now/table/incident").respond(503);
        assertEquals(200, http.get("/api/now/table/incident").status());
        assertEquals(201, http.post("/api/now/table/change_request", "{}").status());
        assertEquals(503, http.post("/api/now/table/incident", "{}").status());
        assertEquals(503, http.post("/api/now/table/incident", "{}").status()); // unlimited until cleared
        sim.faults().clear();
        assertEquals(201, http.post("/api/now/table/incident", "{}").status());
    }

    @Test
    void commandLineFormParses() {
        FaultRule rule = FaultPlan.parse("post /api/now/table/incident status=429 retry-after=3 times=2");
        assertEquals("POST", rule.method());
        assertEquals("/api/now/table/incident", rule.pathPrefix());
        assertEquals(429, rule.fault().status());
        assertEquals(3, rule.fault().retryAfterSeconds());
        assertEquals(2, rule.remaining());
        FaultRule drop = FaultPlan.parse("* /event/ delay=250 drop after-processing");
        assertTrue(drop.fault().drop());
        assertTrue(drop.fault().afterProcessing());
        assertEquals(Duration.ofMillis(250), drop.fault().delay());
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("GET /api"));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("GET /api status=abc"));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("GET /api explode"));
        assertThrows(IllegalArgumentException.class, () -> FaultPlan.parse("GET /api status=999"));
    }

    @Test
    void controlEndpointScriptsFaultsOverHttp() {
        SimHttp control = new SimHttp(sim);
        SimHttp.Reply added = control.send("POST", "/_sim/faults", "GET /api/now/table/incident status=503 times=1", "text/plain");
        assertEquals(201, added.status());
        assertTrue(control.get("/_sim/faults").body().contains("status=503"));
        assertEquals(503, http.get("/api/now/table/incident").status());
        assertEquals(200, http.get("/api/now/table/incident").status());
        assertEquals(400, control.send("POST", "/_sim/faults", "nonsense", "text/plain").status());
        control.send("POST", "/_sim/faults", "GET /api/ status=500", "text/plain");
        assertEquals(204, control.delete("/_sim/faults").status());
        assertEquals(200, http.get("/api/now/table/incident").status());
    }

    @Test
    void requestLogRecordsEverythingWithSecretsRedacted() {
        sim.requests().clear();
        http.post("/api/now/table/incident", "{\"short_description\":\"logged\"}");
        new SimHttp(sim).post("/event/push/alert/standard?integration_key=sandbox-integration-key", "{\"title_rule\":\"t\",\"event_status\":\"Info\"}");
        new SimHttp(sim).send("POST", "/oauth_token.do",
                "grant_type=password&client_id=jenkins-client&client_secret=jenkins-client-secret&username=jenkins&password=jenkins",
                "application/x-www-form-urlencoded");
        List<LoggedRequest> all = sim.requests().all();
        assertEquals(3, all.size());
        LoggedRequest create = sim.requests().matching("POST", "/api/now/table/incident").get(0);
        assertEquals(201, create.status());
        assertEquals(List.of("***"), create.headers().get("authorization"));
        assertTrue(create.body().contains("logged"));
        LoggedRequest pushed = sim.requests().matching("POST", "/event/").get(0);
        assertEquals("integration_key=***", pushed.query());
        LoggedRequest token = sim.requests().matching("POST", "/oauth_token.do").get(0);
        assertFalse(token.body().contains("jenkins-client-secret"), token.body());
        assertFalse(token.body().contains("password=jenkins"), token.body());
        String overHttp = new SimHttp(sim).get("/_sim/requests").body();
        assertFalse(overHttp.contains("sandbox-integration-key"));
        assertFalse(overHttp.contains("amVua2luczpqZW5raW5z"));
    }
}
