package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Request lines as curl, Python and shell scripts send them: characters such as {@code ^} unencoded.
 * ServiceNow accepts them, so the sandbox must too.
 */
@ExtendWith(SimulatorExtension.class)
class RawRequestLineTest {
    private Simulator sim;
    private SimHttp http;

    @BeforeEach
    void seed(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
        for (String d : List.of("raw one", "raw two", "raw {braces} | \"quoted\"", "raw café")) {
            sim.serviceNow().insert("incident", Map.of("short_description", d));
        }
    }

    private static List<String> descriptions(SimHttp.RawReply r) {
        assertEquals(200, r.status(), r.body());
        List<String> out = new ArrayList<>();
        r.json().get("result").forEach(n -> out.add(n.get("short_description").asText()));
        return out;
    }

    @Test
    void anUnencodedCaretSeparatesQueryTerms() {
        SimHttp.RawReply r = http.raw("GET /api/now/table/incident?sysparm_query=short_descriptionSTARTSWITHraw^ORDERBYDESCshort_description"
                + "&sysparm_fields=short_description HTTP/1.1");
        assertTrue(r.headers().get("Content-Type").startsWith("application/json"), r.headers().toString());
        assertEquals(List.of("raw {braces} | \"quoted\"", "raw two", "raw one", "raw café"), descriptions(r));
        assertEquals(List.of("raw one"), descriptions(http.raw(
                "GET /api/now/table/incident?sysparm_query=short_description=raw one^ORshort_description=nothing HTTP/1.1")));
    }

    @Test
    void pipesQuotesBracesAndSpacesArriveAsSent() {
        assertEquals(List.of("raw {braces} | \"quoted\""), descriptions(http.raw(
                "GET /api/now/table/incident?sysparm_query=short_descriptionLIKE{braces} | \"quoted\" HTTP/1.1")));
        assertEquals(List.of("raw {braces} | \"quoted\""), descriptions(http.raw(
                "GET /api/now/table/incident?short_description=raw%20{braces}%20|%20\"quoted\" HTTP/1.1")));
    }

    @Test
    void percentEscapesAndRawUtf8BothDecode() {
        assertEquals(List.of("raw café"), descriptions(http.raw("GET /api/now/table/incident?sysparm_query=short_description=raw%20caf%C3%A9 HTTP/1.1")));
        assertEquals(List.of("raw café"), descriptions(http.raw("GET /api/now/table/incident?sysparm_query=short_description=raw café HTTP/1.1")));
        // a stray % is taken literally rather than failing the request
        assertEquals(List.of(), descriptions(http.raw("GET /api/now/table/incident?sysparm_query=short_descriptionLIKE100%^active=true HTTP/1.1")));
    }

    @Test
    void theRequestLogKeepsTheQueryAsSent() {
        http.raw("GET /api/now/table/incident?sysparm_query=active=true^priority=5 HTTP/1.1");
        assertEquals("sysparm_query=active=true^priority=5", sim.requests().matching("GET", "/api/now/table/incident").get(0).query());
    }

    @Test
    void aRequestThatCannotBeReadGetsServiceNowsJsonError() {
        for (String line : List.of("GARBAGE", "GET /api/now/table/incident HTTP/9.9", "GET api/now/table/incident HTTP/1.1")) {
            SimHttp.RawReply r = http.raw(line);
            assertEquals(400, r.status(), line + " -> " + r.body());
            assertTrue(r.headers().get("Content-Type").startsWith("application/json"), r.headers().toString());
            assertEquals("failure", r.json().get("status").asText(), r.body());
            assertFalse(r.json().get("error").get("message").asText().isBlank(), r.body());
            assertFalse(r.body().contains("Exception:") || r.body().contains("<"), r.body());
        }
        SimHttp.RawReply badHeader = http.raw("GET /api/now/table/incident HTTP/1.1", "this line has no colon");
        assertEquals(400, badHeader.status());
        assertEquals("failure", badHeader.json().get("status").asText());
        // and the sandbox still serves
        assertEquals(200, http.get("/api/now/table/incident?sysparm_limit=1").status());
    }
}
