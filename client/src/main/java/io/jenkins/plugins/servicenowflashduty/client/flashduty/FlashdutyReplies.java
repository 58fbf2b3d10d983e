package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.Reply;
import java.io.IOException;

/**
 * Flashduty's answers to a push: {@code {"request_id", "data"}} on success, {@code {"request_id", "error": {code,
 * message}}} on failure (a 2xx carrying an error is a failure too), each failure as one sentence.
 */
final class FlashdutyReplies {
    private FlashdutyReplies() {
    }

    /**
     * The answer's {@code data}, or the failure's sentence.
     *
     * @param noun what was pushed, for sentences ("alert", "change event")
     * @param integration the kind of integration whose key it is ("standard alert", "custom change")
     */
    static JsonNode data(Reply reply, String noun, String integration, String endpoint) {
        JsonNode json = json(reply);
        JsonNode error = json == null ? null : json.get("error");
        if (reply.ok() && json != null && (error == null || error.isNull())) {
            return json.path("data");
        }
        throw failure(reply.status(), error, requestId(reply), noun, integration, endpoint);
    }

    static String requestId(Reply reply) {
        JsonNode json = json(reply);
        return json == null ? reply.header("Flashcat-Request-Id").orElse("") : json.path("request_id").asText("");
    }

    private static JsonNode json(Reply reply) {
        if (reply.isJson() || reply.text().trim().startsWith("{")) {
            try {
                return Json.MAPPER.readTree(reply.body());
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    private static ApiException failure(int status, JsonNode error, String requestId, String noun, String integration, String endpoint) {
        String code = error == null ? "" : error.path("code").asText("");
        String message = error == null ? "" : error.path("message").asText("");
        String ref = requestId.isEmpty() ? "" : " (request " + requestId + ")";
        if (code.equals("InvalidParameter") && message.contains("integration_key") || code.equals("Unauthorized") || status == 401) {
            return new ApiException(Problem.BAD_CREDENTIALS, status, "Flashduty did not accept the integration key; check that the credential holds "
                    + "the key of a " + integration + " integration.");
        }
        if (code.equals("RequestTooFrequently") || status == 429) {
            return new ApiException(Problem.RATE_LIMITED, status,
                    "Flashduty is rate limiting this integration (100 requests a second, 1,000 a minute); try again later.");
        }
        if (code.equals("AccessDenied") || code.equals("NoLicense") || code.equals("ResourceNotFound") || status == 403) {
            return new ApiException(Problem.FORBIDDEN, status, "Flashduty refused the " + noun + ": " + sentence(message, "access denied") + ref + ".");
        }
        if (code.equals("InvalidParameter") || code.equals("InvalidContentType") || code.equals("MethodNotAllowed")) {
            return new ApiException(Problem.INVALID_INPUT, status, "Flashduty rejected the " + noun + ": " + sentence(message, code) + ref + ".");
        }
        if (code.equals("RouteNotFound") || status == 404) {
            return new ApiException(Problem.NOT_FOUND, status, "Flashduty has no " + noun + " endpoint at " + endpoint
                    + "; check the Flashduty " + (noun.equals("alert") ? "API URL" : "push URL") + ".");
        }
        if (status >= 500) {
            return new ApiException(Problem.SERVER_ERROR, status, "Flashduty failed with HTTP " + status + ref + "; try again later.");
        }
        if (error == null) {
            return new ApiException(Problem.UNEXPECTED_RESPONSE, status, "Flashduty answered HTTP " + status
                    + " without an explanation; check the Flashduty " + (noun.equals("alert") ? "API URL" : "push URL") + ".");
        }
        return new ApiException(Problem.UNEXPECTED_RESPONSE, status, "Flashduty refused the " + noun + ": " + sentence(message, code) + ref + ".");
    }

    private static String sentence(String message, String fallback) {
        String m = message == null || message.isBlank() ? fallback : message.strip();
        while (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1);
        }
        return m;
    }
}
