package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.Reply;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every failed answer becomes one sentence, whatever shape its body has. */
class ServiceNowErrorsTest {
    private static final List<String> BODIES = List.of(
            // the shapes the fact sheet lists
            "{\"error\":{\"message\":\"User Not Authenticated\",\"detail\":\"Required to provide Auth information\"},\"status\":\"failure\"}",
            "{\"error\":{\"detail\":\"Record doesn't exist or ACL restricts the record retrieval\",\"message\":\"No Record found\"},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"Invalid table nope\",\"detail\":null},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"Operation Failed\",\"detail\":\"Error during insert of incident (abc)\"},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"Operation Failed\",\"detail\":\"Data Policy Exception: \\n\\tThe following fields are mandatory: Resolution code, Close notes\"},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"Data Policy Exception: The following fields are mandatory: Close notes\",\"detail\":null},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"Data Policy Exception\",\"detail\":null},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"ACL Exception Insert Failed due to security constraints\",\"detail\":null},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"Exception while reading request\",\"detail\":\"Rejected large REST payload with content-length = 20971520 bytes. Max allowed: 10485760 bytes.\"},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"Rate limit exceeded\",\"detail\":\"Rate limit of 100 requests per hour for Table API exceeded\"},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"Requested URI does not represent any resource\",\"detail\":null},\"status\":\"failure\"}",
            "{\"error\":{\"message\":\"Transaction cancelled: maximum execution time exceeded\",\"detail\":\"Check logs for error trace\"},\"status\":\"failure\"}",
            // garbage and half-shapes
            "", "null", "{}", "[]", "\"text\"", "{\"error\":null}", "{\"error\":{}}", "{\"error\":{\"message\":null,\"detail\":null}}",
            "{\"error\":{\"message\":{\"nested\":true},\"detail\":[1,2]}}", "{\"error\":{\"message\":\"Operation Failed\",\"detail\":\"\"}}",
            "{\"error\":{\"message\":\"cut", "<html><body><h1>502 Bad Gateway</h1></body></html>",
            "<!DOCTYPE html><html><head><title>Instance Hibernating</title></head></html>", "\u0000\u0001binary");
    private static final int[] STATUSES = {200, 201, 400, 401, 403, 404, 405, 406, 409, 415, 429, 500, 502, 503, 504};

    @Test
    void everyBodyShapeBecomesOneSentence() {
        List<String> failures = new ArrayList<>();
        for (String body : BODIES) {
            for (int status : STATUSES) {
                for (String type : List.of("application/json;charset=UTF-8", "text/html")) {
                    try {
                        ApiException e = ServiceNowErrors.of(reply(status, type, body), "update incident 1", "acme.service-now.com");
                        String m = e.getMessage();
                        if (m.isBlank() || m.contains("\n") || m.contains("\t") || !m.endsWith(".") || m.endsWith("..") || m.contains(": .")
                                || m.contains("null")) {
                            failures.add(status + " " + type + " " + body + " -> " + m);
                        }
                    } catch (RuntimeException e) {
                        failures.add(status + " " + type + " " + body + " -> threw " + e);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void aDataPolicyNamedInTheMessageWithoutDetailIsReported() {
        ApiException e = ServiceNowErrors.of(reply(403, "application/json",
                "{\"error\":{\"message\":\"Data Policy Exception: The following fields are mandatory: Close notes\",\"detail\":null},\"status\":\"failure\"}"),
                "resolve incident INC0010001", "acme.service-now.com");
        assertEquals(Problem.REFUSED, e.problem());
        assertEquals("ServiceNow refused to resolve incident INC0010001: the following fields are mandatory: Close notes.", e.getMessage());
    }

    @Test
    void aNonNumericRetryAfterIsNotRepeated() {
        ApiException e = ServiceNowErrors.of(new Reply(429, HttpHeaders.of(Map.of("Retry-After", List.of("soon, I promise")), (a, b) -> true),
                new byte[0]), "read incident", "acme.service-now.com");
        assertFalse(e.getMessage().contains("promise"), e.getMessage());
    }

    private static Reply reply(int status, String type, String body) {
        return new Reply(status, HttpHeaders.of(Map.of("Content-Type", List.of(type)), (a, b) -> true), body.getBytes(StandardCharsets.UTF_8));
    }
}
