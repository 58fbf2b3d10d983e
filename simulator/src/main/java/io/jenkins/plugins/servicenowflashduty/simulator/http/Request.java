package io.jenkins.plugins.servicenowflashduty.simulator.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
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

    /**
     * @param target the request target as sent, {@code /path?query}: nothing decoded, and characters such as
     *               {@code ^}, {@code |} or spaces possibly unencoded
     */
    public Request(String method, String target, Map<String, List<String>> headers, byte[] body, String host) {
        this.method = method.toUpperCase(Locale.ROOT);
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        this.path = rawPath.isEmpty() ? "/" : decode(rawPath, false);
        this.rawQuery = q < 0 ? null : target.substring(q + 1);
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
            out.computeIfAbsent(decode(k, true), x -> new ArrayList<>()).add(decode(v, true));
        }
        return out;
    }

    /**
     * Percent-decodes the way ServiceNow reads URLs: escapes give UTF-8 bytes (ISO-8859-1 when they are not
     * UTF-8), while characters sent unencoded and a {@code %} not followed by two hex digits stay as they are.
     *
     * @param plusIsSpace whether {@code +} means a space, as in query strings and form bodies (not in paths)
     */
    static String decode(String s, boolean plusIsSpace) {
        if (s.indexOf('%') < 0 && (!plusIsSpace || s.indexOf('+') < 0)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        ByteArrayOutputStream escaped = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                escaped.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                i += 2;
                continue;
            }
            flush(escaped, out);
            out.append(plusIsSpace && c == '+' ? ' ' : c);
        }
        flush(escaped, out);
        return out.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static void flush(ByteArrayOutputStream escaped, StringBuilder out) {
        if (escaped.size() == 0) {
            return;
        }
        byte[] bytes = escaped.toByteArray();
        escaped.reset();
        try {
            out.append(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)));
        } catch (CharacterCodingException e) {
            out.append(new String(bytes, StandardCharsets.ISO_8859_1));
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
