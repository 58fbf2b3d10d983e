package io.jenkins.plugins.servicenowflashduty.client.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain HTTP forward proxy on loopback that demands Basic proxy credentials (407 without them) and sends
 * what it accepts to 127.0.0.1 on the port the request names: enough to show a proxy with authentication works.
 */
final class AuthenticatingProxy implements AutoCloseable {
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "proxy-authorization", "proxy-connection",
            "content-length", "upgrade", "expect");
    private final HttpServer server;
    private final String expected;
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    private final HttpClient upstream = HttpClient.newHttpClient();

    private AuthenticatingProxy(HttpServer server, String user, String password) {
        this.server = server;
        this.expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static AuthenticatingProxy start(String user, String password) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AuthenticatingProxy proxy = new AuthenticatingProxy(server, user, password);
        server.createContext("/", proxy::handle);
        server.start();
        return proxy;
    }

    InetSocketAddress address() {
        return server.getAddress();
    }

    /** The status the proxy answered each request with. */
    List<Integer> statuses() {
        return List.copyOf(statuses);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Proxy-Authorization"))) {
                statuses.add(407);
                exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic realm=\"proxy\"");
                exchange.sendResponseHeaders(407, -1);
                return;
            }
            URI asked = exchange.getRequestURI();
            URI target = URI.create("http://127.0.0.1:" + asked.getPort() + asked.getRawPath()
                    + (asked.getRawQuery() == null ? "" : "?" + asked.getRawQuery()));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(target).method(exchange.getRequestMethod(),
                    body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> b.header(name, v));
                }
            });
            HttpResponse<byte[]> r = upstream.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers().map().forEach((name, values) -> {
                if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding") && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            statuses.add(r.statusCode());
            exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            exchange.getResponseBody().write(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
