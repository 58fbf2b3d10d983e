package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.simulator.http.HttpError;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Ids;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;

/** Flashduty's envelope: {@code {"request_id", "data"}} or {@code {"request_id", "error":{"code","message"}}}. */
public final class FdErrors {
    private FdErrors() {
    }

    static String requestId() {
        return Ids.hex32();
    }

    /** The HTTP status Flashduty uses for an error code. */
    public static int statusOf(String code) {
        return switch (code) {
            case "Unauthorized" -> 401;
            case "AccessDenied" -> 403;
            case "RouteNotFound" -> 404;
            case "RequestTooFrequently" -> 429;
            case "InternalError" -> 500;
            default -> 400;
        };
    }

    public static Response response(String code, String message) {
        String id = requestId();
        ObjectNode body = Json.object();
        body.put("request_id", id);
        body.putObject("error").put("code", code).put("message", message);
        return Response.json(statusOf(code), body).header("Flashcat-Request-Id", id);
    }

    static HttpError error(String code, String message) {
        return new HttpError(response(code, message));
    }

    static Response data(ObjectNode data) {
        String id = requestId();
        ObjectNode body = Json.object();
        body.put("request_id", id);
        body.set("data", data);
        return Response.json(200, body).header("Flashcat-Request-Id", id);
    }
}
