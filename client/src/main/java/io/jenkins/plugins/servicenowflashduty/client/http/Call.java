package io.jenkins.plugins.servicenowflashduty.client.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One request to send: method, path under the base URL, headers, body, and how safe it is to repeat.
 *
 * @param reconcile for a create: looks for the record an earlier attempt may have made, so a retry
 *     reuses it instead of making a second one; null when the create has no key to look it up by
 */
public record Call(String method, String pathAndQuery, Map<String, String> headers, byte[] body,
                   Repeat repeat, boolean authenticated, Supplier<Optional<Reply>> reconcile) {

    /** Whether a request may be sent again after a failure that may have reached the server. */
    public enum Repeat {
        /** Reads and updates: sending twice has the effect of sending once. */
        SAFE,
        /** Creates: only repeated when the server surely did not act, or after {@code reconcile} found nothing. */
        CREATE
    }

    public static Call get(String pathAndQuery) {
        return new Call("GET", pathAndQuery, Map.of("Accept", "application/json"), null, Repeat.SAFE, true, null);
    }

    public static Call json(String method, String pathAndQuery, byte[] json, Repeat repeat) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Accept", "application/json");
        h.put("Content-Type", "application/json");
        return new Call(method, pathAndQuery, h, json, repeat, true, null);
    }

    public Call withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new Call(method, pathAndQuery, h, body, repeat, authenticated, reconcile);
    }

    public Call withReconcile(Supplier<Optional<Reply>> lookup) {
        return new Call(method, pathAndQuery, headers, body, repeat, authenticated, lookup);
    }

    public Call unauthenticated() {
        return new Call(method, pathAndQuery, headers, body, repeat, false, reconcile);
    }

    /** The path without its query, safe to show. */
    public String path() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }
}
