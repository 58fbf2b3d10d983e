package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ServiceNow record as raw database values: every value a string, references as sys_ids.
 *
 * @param table the table it was read from
 * @param ignoredFields fields of the request the Change Management API reported as unknown and ignored
 *     ({@code __meta.ignoredFields}); empty for everything else
 */
public record SnRecord(String table, Map<String, String> values, List<String> ignoredFields) {

    public SnRecord {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        ignoredFields = ignoredFields == null ? List.of() : List.copyOf(ignoredFields);
    }

    public SnRecord(String table, Map<String, String> values) {
        this(table, values, List.of());
    }

    /** The value of a field, or empty when absent. */
    public String get(String field) {
        return values.getOrDefault(field, "");
    }

    public String sysId() {
        return get("sys_id");
    }

    public String number() {
        return get("number");
    }
}
