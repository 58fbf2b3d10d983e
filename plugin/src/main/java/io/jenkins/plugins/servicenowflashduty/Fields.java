package io.jenkins.plugins.servicenowflashduty;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code fields: [:]} of a step: text, numbers and booleans by column name; anything else is a sentence. */
public final class Fields {
    private Fields() {
    }

    public static Map<String, String> strings(Map<String, Object> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        if (fields == null) {
            return out;
        }
        fields.forEach((k, v) -> {
            if (v == null) {
                out.put(k, "");
            } else if (v instanceof CharSequence || v instanceof Number || v instanceof Boolean) {
                out.put(k, v.toString());
            } else {
                String kind = v instanceof java.util.Map ? "a map" : v instanceof Iterable || v.getClass().isArray() ? "a list" : "an object";
                throw ApiException.invalidInput("The field '" + k + "' has " + kind + " as its value; fields take text, numbers or booleans.");
            }
        });
        return out;
    }
}
