package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code {"result": ...}} straight into records with Jackson's streaming parser: every read and
 * write answer goes through here, and building a tree first costs more than the request's own overhead.
 */
final class RecordReader {
    private static final JsonFactory FACTORY = io.jenkins.plugins.servicenowflashduty.client.http.Json.MAPPER.getFactory();

    private RecordReader() {
    }

    /**
     * The records of {@code result}: one for an object, each for an array.
     *
     * @return null when the body has no {@code result}
     */
    static List<SnRecord> read(String table, byte[] body) throws IOException {
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (!"result".equals(name)) {
                    p.skipChildren();
                    continue;
                }
                List<SnRecord> out = new ArrayList<>();
                if (t == JsonToken.START_OBJECT) {
                    out.add(record(table, p));
                } else if (t == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        out.add(record(table, p));
                    }
                } else {
                    return null;
                }
                return out;
            }
            return null;
        }
    }

    /** One record; the parser stands on its START_OBJECT and is left on its END_OBJECT. */
    private static SnRecord record(String table, JsonParser p) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> ignored = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("__meta".equals(name)) {
                ignored = ignoredFields(p, t);
            } else {
                values.put(name, value(p, t));
            }
        }
        return new SnRecord(table, values, ignored);
    }

    /** {@code __meta.ignoredFields} of a Change Management API record. */
    private static List<String> ignoredFields(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return List.of();
        }
        List<String> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("ignoredFields".equals(name) && v == JsonToken.START_ARRAY) {
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    if (e == JsonToken.VALUE_STRING) {
                        out.add(p.getText());
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    /** A value as a string; {@code {value, display_value, link}} objects by their value. */
    private static String value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NULL:
                return "";
            case VALUE_NUMBER_INT:
                return p.getText();
            case VALUE_NUMBER_FLOAT:
                double d = p.getDoubleValue();
                return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : p.getText(); // -5.0 is state -5
            case VALUE_TRUE:
                return "true";
            case VALUE_FALSE:
                return "false";
            case START_OBJECT: {
                String inner = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("value".equals(name)) {
                        inner = value(p, v);
                    } else {
                        p.skipChildren();
                    }
                }
                return inner == null ? "" : inner;
            }
            case START_ARRAY: {
                List<String> parts = new ArrayList<>();
                for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
                    parts.add(value(p, v));
                }
                return String.join(",", parts);
            }
            default:
                return p.getText();
        }
    }
}
