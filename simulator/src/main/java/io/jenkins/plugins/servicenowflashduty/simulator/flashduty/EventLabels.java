package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code labels} of an alert or change event, validated as Flashduty does: an object of at most 50 strings whose
 * keys are identifiers of at most 128 characters. A value over 2048 characters is cut (alerts) or refused (changes).
 */
final class EventLabels {
    private static final Pattern KEY = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final int MAX_LABELS = 50;
    private static final int MAX_KEY = 128;
    static final int MAX_VALUE = 2048;

    private EventLabels() {
    }

    /** @param cutLongValues cut a value to {@link #MAX_VALUE} instead of refusing it */
    static Map<String, String> parse(JsonNode node, boolean cutLongValues) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return labels;
        }
        if (!node.isObject()) {
            throw FdErrors.error("InvalidParameter", "labels must be an object of strings");
        }
        if (node.size() > MAX_LABELS) {
            throw FdErrors.error("InvalidParameter", "labels must have at most 50 entries");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().length() > MAX_KEY || !KEY.matcher(e.getKey()).matches()) {
                throw FdErrors.error("InvalidParameter", "label key '" + e.getKey() + "' is not valid");
            }
            if (!e.getValue().isTextual()) {
                throw FdErrors.error("InvalidParameter", "label '" + e.getKey() + "' must be a string");
            }
            String value = e.getValue().asText();
            if (value.length() > MAX_VALUE && !cutLongValues) {
                throw FdErrors.error("InvalidParameter", "label '" + e.getKey() + "' must be a string of at most 2048 characters");
            }
            labels.put(e.getKey(), value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) : value);
        }
        return labels;
    }
}
