package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a write request's JSON body into column values, as strings the way ServiceNow stores them. */
final class BodyValues {
    private BodyValues() {
    }

    static Map<String, String> read(Request request) {
        byte[] body = request.body(); // never over the payload limit: the dispatcher refuses larger ones while reading
        Map<String, String> values = new LinkedHashMap<>();
        if (Text.blank(request.bodyText())) {
            return values;
        }
        JsonNode node;
        try {
            node = Json.read(body);
        } catch (IOException e) {
            throw SnErrors.badRequest("The payload is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (node.isArray() && node.size() > 0) {
            node = node.get(0); // several records: only the first is processed
        }
        if (!node.isObject()) {
            throw SnErrors.badRequest("The payload must be a JSON object");
        }
        node.fields().forEachRemaining(e -> values.put(e.getKey(), text(e.getValue())));
        return values;
    }

    static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return "";
        }
        if (v.isObject()) {
            JsonNode inner = v.get("value");
            return inner == null ? v.toString() : text(inner);
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(text(x)));
            return String.join(",", parts);
        }
        return v.asText();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
