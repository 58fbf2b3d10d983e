package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The {@code /_sim/} steering endpoints answer mistakes with a 400 JSON error of one sentence. */
@ExtendWith(SimulatorExtension.class)
class ControlApiTest {

    private static void assertOneSentenceError(SimHttp.Reply r, String mention) {
        assertEquals(400, r.status(), r.body());
        assertTrue(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type"));
        assertEquals("failure", r.json().get("status").asText(), r.body());
        String message = r.errorMessage();
        assertTrue(message.endsWith(".") && message.lines().count() == 1, message);
        assertFalse(message.contains("Exception") || message.contains("For input string"), message);
        assertTrue(message.contains(mention), message + " should mention " + mention);
    }

    @Test
    void clockAdvanceNeedsAWholeNumberOfSeconds(Simulator sim) {
        SimHttp control = new SimHttp(sim);
        Instant before = sim.clock().instant();
        assertOneSentenceError(control.post("/_sim/clock/advance?seconds=abc", ""), "abc");
        assertOneSentenceError(control.post("/_sim/clock/advance?seconds=-5", ""), "-5");
        assertOneSentenceError(control.post("/_sim/clock/advance", ""), "seconds");
        assertTrue(Duration.between(before, sim.clock().instant()).toSeconds() < 3600, "the clock did not move");
        assertEquals(200, control.post("/_sim/clock/advance?seconds=7200", "").status());
        assertTrue(Duration.between(before, sim.clock().instant()).toSeconds() >= 7200);
    }

    @Test
    void otherMistakesAreJsonToo(Simulator sim) {
        SimHttp control = new SimHttp(sim);
        assertOneSentenceError(control.send("POST", "/_sim/faults", "GET /api explode", "text/plain"), "explode");
        assertOneSentenceError(control.send("PUT", "/_sim/approval-policy", "sometimes", "text/plain"), "sometimes");
        assertOneSentenceError(control.send("POST", "/_sim/changes/0123456789abcdef0123456789abcdef/approve", "", "text/plain"),
                "0123456789abcdef0123456789abcdef");
    }

    @Test
    void theRequestLogIsReadInPartsWithSince(Simulator sim) throws Exception {
        SimHttp control = new SimHttp(sim);
        control.get("/api/now/table/incident?sysparm_query=number=INC-FIRST");
        SimHttp.Reply first = control.get("/_sim/requests");
        String firstTime = first.json().get(0).get("time").asText();
        Thread.sleep(5); // the next request is logged at a later instant
        control.get("/api/now/table/incident?sysparm_query=number=INC-SECOND");
        SimHttp.Reply later = control.get("/_sim/requests?since=" + firstTime);
        assertEquals(200, later.status(), later.body());
        assertFalse(later.body().contains("INC-FIRST"), later.body());
        assertTrue(later.body().contains("INC-SECOND"), later.body());
        assertOneSentenceError(control.get("/_sim/requests?since=yesterday"), "yesterday");
    }
}
