package io.jenkins.plugins.servicenowflashduty.simulator.http;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** One HTTP request as the simulator's APIs see it: method, path, decoded query, headers and body. */
public final class Request {
    private final String method;
    private final String path;
    private final String rawQuery;
    private final Map<String, List<String>> query;
    private final Map<String, List<String>> headers;
    private final byte[] body;
    private final String host;

    public Request(String method, URI uri, Map<String, List<String>> headers, byte[] body, String host) {
        this.method = method.toUpperCase(Locale.ROOT);
        this.path = uri.getRawPath() == null ? "/" : URLDecoder.decode(uri.getRawPath().replace("+", "%2B"), StandardCharsets.UTF_8);
        this.rawQuery = uri.getRawQuery();
        this.query = parseForm(rawQuery);
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
        this.headers = lower;
        this.body = body;
        this.host = host;
    }

    /** Decodes {@code a=1&b=2} (query strings and form bodies). Later duplicates are kept after earlier ones. */
    public static Map<String, List<String>> parseForm(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.computeIfAbsent(decode(k), x -> new ArrayList<>()).add(decode(v));
        }
        return out;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public String rawQuery() {
        return rawQuery;
    }

    public Map<String, List<String>> query() {
        return query;
    }

    public Optional<String> param(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** A whole-number parameter; the fallback when it is absent or not a number, as ServiceNow ignores such values. */
    public int intParam(String name, int fallback) {
        try {
            return param(name).map(String::trim).map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    public boolean flag(String name) {
        return param(name).map(v -> v.equalsIgnoreCase("true")).orElse(false);
    }

    public Map<String, List<String>> headers() {
        return headers;
    }

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    public byte[] body() {
        return body;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Scheme and authority the caller used, for absolute links such as {@code Location} and {@code Link}. */
    public String baseUrl() {
        return "http://" + host;
    }

    /** The media type of the body without parameters, lower case; empty when absent. */
    public String contentType() {
        return header("content-type").map(v -> v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT)).orElse("");
    }
}
