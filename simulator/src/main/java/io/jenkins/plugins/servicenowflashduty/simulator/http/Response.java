package io.jenkins.plugins.servicenowflashduty.simulator.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the simulator answers: status, headers and body bytes. */
public final class Response {
    private final int status;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private byte[] body;

    private Response(int status, byte[] body, String contentType) {
        this.status = status;
        this.body = body;
        if (contentType != null) {
            header("Content-Type", contentType);
        }
    }

    public static Response json(int status, Object value) {
        return new Response(status, Json.write(value), "application/json;charset=UTF-8");
    }

    public static Response text(int status, String contentType, String text) {
        return new Response(status, text.getBytes(StandardCharsets.UTF_8), contentType);
    }

    public static Response bytes(int status, String contentType, byte[] bytes) {
        return new Response(status, bytes, contentType);
    }

    public static Response empty(int status) {
        return new Response(status, new byte[0], null);
    }

    public Response header(String name, String value) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        return this;
    }

    /** Drops the body but keeps the status and headers ({@code X-no-response-body}, HEAD). */
    public Response withoutBody() {
        body = new byte[0];
        return this;
    }

    public int status() {
        return status;
    }

    public Map<String, List<String>> headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }
}
