package io.jenkins.plugins.servicenowflashduty.client.http;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** An HTTP answer: status, headers and body bytes. */
public record Reply(int status, HttpHeaders headers, byte[] body) {

    public Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** Whether the body claims to be JSON (gateways in front of a service answer with HTML). */
    public boolean isJson() {
        return header("Content-Type").map(t -> t.toLowerCase(java.util.Locale.ROOT).contains("json")).orElse(false);
    }
}
