package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns stored records into the JSON shapes of the Table API and the Change Management API. */
final class RecordRenderer {
    private final ServiceNowInstance instance;

    RecordRenderer(ServiceNowInstance instance) {
        this.instance = instance;
    }

    /** {@code sysparm_display_value}: {@code false}, {@code true} or {@code all}. */
    enum Mode {
        VALUE, DISPLAY, ALL;

        static Mode of(String text) {
            if (text == null) {
                return VALUE;
            }
            return switch (text.toLowerCase(java.util.Locale.ROOT)) {
                case "true" -> DISPLAY;
                case "all" -> ALL;
                default -> VALUE;
            };
        }
    }

    /** The columns to show: the valid names of {@code sysparm_fields} in order, or every column. */
    List<String> columns(TableSchema schema, String sysparmFields) {
        List<String> out = new ArrayList<>();
        if (Text.blank(sysparmFields)) {
            schema.fields().forEach(f -> out.add(f.name()));
            return out;
        }
        for (String f : sysparmFields.split(",")) {
            String name = f.trim();
            if (!name.isEmpty() && instance.knownField(schema, name) && !out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    ObjectNode table(TableSchema schema, Map<String, String> record, List<String> columns, Mode mode,
                     boolean excludeReferenceLink, String baseUrl) {
        ObjectNode out = Json.object();
        for (String column : columns) {
            Field f = instance.fieldOf(schema, column);
            String raw = instance.read(schema, record, column);
            raw = raw == null ? "" : raw;
            String link = f.isReference() && !raw.isEmpty() && !excludeReferenceLink
                    ? baseUrl + "/api/now/table/" + f.reference() + "/" + raw : null;
            switch (mode) {
                case VALUE -> {
                    if (f.isJournal()) {
                        out.put(column, "");
                    } else if (link != null) {
                        out.putObject(column).put("link", link).put("value", raw);
                    } else {
                        out.put(column, raw);
                    }
                }
                case DISPLAY -> {
                    String display = instance.display(schema, column, record);
                    if (link != null) {
                        out.putObject(column).put("display_value", display).put("link", link);
                    } else {
                        out.put(column, display);
                    }
                }
                case ALL -> {
                    ObjectNode both = out.putObject(column);
                    both.put("display_value", instance.display(schema, column, record));
                    both.put("value", f.isJournal() ? "" : raw);
                    if (link != null) {
                        both.put("link", link);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        return out;
    }

    /**
     * The Change Management API's shape: every column as {@code {value, display_value}}, numbers as JSON
     * numbers ({@code -5.0}), booleans as JSON booleans, date-times with {@code display_value_internal}.
     */
    ObjectNode typed(TableSchema schema, Map<String, String> record) {
        ObjectNode out = Json.object();
        for (Field f : schema.fields()) {
            String raw = record.getOrDefault(f.name(), "");
            ObjectNode field = out.putObject(f.name());
            String display = instance.display(schema, f.name(), record);
            field.put("display_value", display);
            boolean numeric = f.type() == FieldType.INTEGER || f.type() == FieldType.CHOICE && f.numericChoice();
            if (numeric && !raw.isEmpty() && isNumber(raw)) {
                field.put("value", Double.parseDouble(raw));
            } else if (f.type() == FieldType.BOOLEAN && !raw.isEmpty()) {
                field.put("value", Boolean.parseBoolean(raw));
            } else {
                field.put("value", f.isJournal() ? display : raw);
            }
            if (f.type() == FieldType.DATETIME) {
                field.put("display_value_internal", raw);
            }
        }
        return out;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
