package io.jenkins.plugins.servicenowflashduty.simulator.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The last requests the simulator answered, secrets redacted, for tests and sandbox users to inspect. */
public final class RequestLog {
    private static final String REDACTED = "***";
    private static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "x-sn-apikey", "cookie");
    private static final Pattern SECRET_PARAMS = Pattern.compile(
            "(?i)(^|&)(integration_key|app_key|x-sn-apikey|password|client_secret|refresh_token|access_token)=[^&]*");
    private static final Pattern SECRET_JSON = Pattern.compile(
            "(?i)(\"(?:password|client_secret|refresh_token|access_token|integration_key)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final int MAX_BODY = 64 * 1024;

    private final ConcurrentLinkedDeque<LoggedRequest> entries = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;

    public RequestLog(int capacity) {
        this.capacity = capacity;
    }

    void record(Request request, int status, String fault) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().forEach((k, v) -> headers.put(k, SECRET_HEADERS.contains(k.toLowerCase(Locale.ROOT)) ? List.of(REDACTED) : List.copyOf(v)));
        byte[] raw = request.body();
        String body = new String(raw, 0, Math.min(raw.length, MAX_BODY), StandardCharsets.UTF_8);
        entries.addLast(new LoggedRequest(Instant.now(), request.method(), request.path(), redactQuery(request.rawQuery()),
                headers, redactBody(body), status, fault == null ? "" : fault));
        if (size.incrementAndGet() > capacity) {
            entries.pollFirst();
            size.decrementAndGet();
        }
    }

    static String redactQuery(String query) {
        return query == null ? "" : SECRET_PARAMS.matcher(query).replaceAll("$1$2=" + REDACTED);
    }

    static String redactBody(String body) {
        String once = SECRET_JSON.matcher(body).replaceAll("$1\"" + REDACTED + "\"");
        return body.contains("=") && !body.trim().startsWith("{") ? redactQuery(once) : once;
    }

    public List<LoggedRequest> all() {
        return new ArrayList<>(entries);
    }

    public List<LoggedRequest> matching(Predicate<LoggedRequest> filter) {
        return entries.stream().filter(filter).toList();
    }

    /** Requests with this method whose path starts with the prefix. */
    public List<LoggedRequest> matching(String method, String pathPrefix) {
        return matching(r -> r.method().equalsIgnoreCase(method) && r.path().startsWith(pathPrefix));
    }

    public void clear() {
        entries.clear();
        size.set(0);
    }
}
