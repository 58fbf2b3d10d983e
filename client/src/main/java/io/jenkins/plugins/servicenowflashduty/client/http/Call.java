package io.jenkins.plugins.servicenowflashduty.client.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One request to send: method, path under the base URL, headers, body, and how safe it is to repeat.
 * A secret that travels in the query (Flashduty's integration key) is held apart as a {@link SecretValue}
 * and only joined to the path when the request is built, so no {@code Call} ever shows it.
 */
public final class Call {
    private final String method;
    private final String pathAndQuery;
    private final Map<String, String> headers;
    private final Body body;
    private final Repeat repeat;
    private final boolean authenticated;
    private final String secretParameter;
    private final SecretValue secretValue;

    /** Whether a request may be sent again after a failure that may have reached the server. */
    public enum Repeat {
        /** Reads and plain updates: sending twice has the effect of sending once. */
        SAFE,
        /**
         * Creates and journal appends: repeated only where the server surely did not act (no connection,
         * 429). After any other failure the caller gets an {@link Outcome.Uncertain} and decides.
         */
        ONCE
    }

    private Call(String method, String pathAndQuery, Map<String, String> headers, Body body, Repeat repeat,
                 boolean authenticated, String secretParameter, SecretValue secretValue) {
        this.method = Objects.requireNonNull(method);
        this.pathAndQuery = Objects.requireNonNull(pathAndQuery);
        this.headers = Map.copyOf(headers);
        this.body = body;
        this.repeat = Objects.requireNonNull(repeat);
        this.authenticated = authenticated;
        this.secretParameter = secretParameter;
        this.secretValue = secretValue;
    }

    public Call(String method, String pathAndQuery, Map<String, String> headers, Body body, Repeat repeat) {
        this(method, pathAndQuery, new LinkedHashMap<>(headers), body, repeat, true, null, null);
    }

    public static Call get(String pathAndQuery) {
        return new Call("GET", pathAndQuery, Map.of("Accept", "application/json"), null, Repeat.SAFE);
    }

    public static Call json(String method, String pathAndQuery, byte[] json, Repeat repeat) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Accept", "application/json");
        h.put("Content-Type", "application/json");
        return new Call(method, pathAndQuery, h, Body.of(json), repeat);
    }

    public Call withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Call(method, pathAndQuery, h, body, repeat, authenticated, secretParameter, secretValue);
    }

    public Call unauthenticated() {
        return new Call(method, pathAndQuery, headers, body, repeat, false, secretParameter, secretValue);
    }

    /** Adds a query parameter whose value is a secret; it never appears in {@link #pathAndQuery()} or {@link #toString()}. */
    public Call withSecretParameter(String name, SecretValue value) {
        return new Call(method, pathAndQuery, headers, body, repeat, authenticated, name, value);
    }

    public String method() {
        return method;
    }

    /** The path and the query without any secret parameter. */
    public String pathAndQuery() {
        return pathAndQuery;
    }

    /** What goes on the wire, secret parameter included. Only the transport calls this. */
    String wirePathAndQuery() {
        if (secretParameter == null) {
            return pathAndQuery;
        }
        return pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + BaseUrl.encode(secretParameter) + "="
                + BaseUrl.encode(secretValue.reveal());
    }

    /** The secret query parameter's value, or null; only the transport calls this, to mask it in failures. */
    SecretValue secretValue() {
        return secretValue;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body, or null. */
    public Body body() {
        return body;
    }

    public Repeat repeat() {
        return repeat;
    }

    public boolean authenticated() {
        return authenticated;
    }

    /** The path without its query, safe to show. */
    public String path() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    /** Method and path only: queries may carry record values, and bodies passwords. */
    @Override
    public String toString() {
        return method + " " + path();
    }
}
