package io.jenkins.plugins.servicenowflashduty.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** A tiny real-HTTP client for the simulator's tests: the simulator is only ever reached over the wire. */
final class SimHttp {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private String authorization;
    private Duration timeout = Duration.ofSeconds(10);

    SimHttp(Simulator sim) {
        this.base = sim.baseUrl();
    }

    SimHttp as(String user, String password) {
        authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    SimHttp bearer(String token) {
        authorization = "Bearer " + token;
        return this;
    }

    SimHttp anonymous() {
        authorization = null;
        return this;
    }

    /** How long to wait for an answer; a late one fails the call with an {@link UncheckedIOException}. */
    SimHttp timeout(Duration limit) {
        timeout = limit;
        return this;
    }

    /** The integration user (itil, change_manager). */
    static SimHttp jenkins(Simulator sim) {
        return new SimHttp(sim).as("jenkins", "jenkins");
    }

    Reply get(String path) {
        return send("GET", path, null, "application/json");
    }

    Reply post(String path, String json) {
        return send("POST", path, json, "application/json");
    }

    Reply patch(String path, String json) {
        return send("PATCH", path, json, "application/json");
    }

    Reply delete(String path) {
        return send("DELETE", path, null, "application/json");
    }

    Reply send(String method, String path, String body, String contentType, String... headers) {
        return sendBytes(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), contentType, headers);
    }

    Reply sendBytes(String method, String path, byte[] body, String contentType, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path.replace("^", "%5E").replace(" ", "%20").replace("<", "%3C").replace(">", "%3E"))).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Accept", "application/json");
        if (contentType != null && body != null) {
            b.header("Content-Type", contentType);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return new Reply(CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes a request body onto a plain socket, on its own thread. */
    interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Sends a request exactly as written, over a plain socket: a request line with characters
     * {@link HttpClient} would refuse (raw {@code ^}, spaces, quotes), or no valid request line at all.
     * Adds {@code Host}, {@code Connection: close} and the current credentials, then reads the answer to the end.
     */
    RawReply raw(String requestLine, String... headerLines) {
        return raw(requestLine, null, headerLines);
    }

    /**
     * As {@link #raw(String, String...)}, with a body written by {@code body} on another thread while the
     * answer is read: a server that answers before the body ends is seen doing so.
     */
    RawReply raw(String requestLine, BodyWriter body, String... headerLines) {
        StringBuilder head = new StringBuilder(requestLine).append("\r\n");
        URI uri = URI.create(base);
        head.append("Host: ").append(uri.getAuthority()).append("\r\n");
        if (authorization != null) {
            head.append("Authorization: ").append(authorization).append("\r\n");
        }
        for (String h : headerLines) {
            head.append(h).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread writer = null;
            if (body != null) {
                writer = new Thread(() -> {
                    try {
                        body.write(out);
                        out.flush();
                    } catch (IOException e) {
                        // the server stopped reading: what it answered is what counts
                    }
                }, "raw-body-writer");
                writer.setDaemon(true);
                writer.start();
            }
            RawReply reply = RawReply.parse(socket.getInputStream().readAllBytes());
            if (writer != null) {
                writer.interrupt();
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An answer read off a plain socket. */
    record RawReply(int status, Map<String, String> headers, String body) {
        static RawReply parse(byte[] bytes) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new AssertionError("No complete answer: " + text);
            }
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim());
            }
            return new RawReply(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4));
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON (" + status + "): " + body, e);
            }
        }
    }

    /** A response with its body parsed as JSON on demand. */
    record Reply(HttpResponse<String> raw) {
        int status() {
            return raw.statusCode();
        }

        String body() {
            return raw.body();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("Not JSON (" + status() + "): " + raw.body(), e);
            }
        }

        JsonNode result() {
            return json().get("result");
        }

        String errorMessage() {
            return json().path("error").path("message").asText();
        }

        String errorDetail() {
            return json().path("error").path("detail").asText();
        }
    }
}
