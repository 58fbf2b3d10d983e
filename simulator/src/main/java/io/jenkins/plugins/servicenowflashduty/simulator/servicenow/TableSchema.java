package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The columns of one table, its display column and its number sequence. */
public final class TableSchema {
    /** Columns every record has. */
    static final Set<String> SYSTEM_FIELDS = Set.of("sys_id", "sys_created_on", "sys_created_by", "sys_updated_on",
            "sys_updated_by", "sys_mod_count", "sys_class_name", "sys_tags");

    private final String name;
    private final String displayField;
    private final String numberPrefix;
    private final long numberStart;
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final Map<String, String> defaults = new LinkedHashMap<>();

    TableSchema(String name, String displayField, String numberPrefix, long numberStart) {
        this.name = name;
        this.displayField = displayField;
        this.numberPrefix = numberPrefix;
        this.numberStart = numberStart;
        add("sys_id", FieldType.SYS_ID, null);
        add("sys_created_on", FieldType.DATETIME, null);
        add("sys_created_by", FieldType.STRING, null);
        add("sys_updated_on", FieldType.DATETIME, null);
        add("sys_updated_by", FieldType.STRING, null);
        add("sys_mod_count", FieldType.INTEGER, null);
        add("sys_class_name", FieldType.STRING, null);
        add("sys_tags", FieldType.STRING, null);
        if (numberPrefix != null) {
            add("number", FieldType.STRING, null);
        }
    }

    TableSchema add(String field, FieldType type, String defaultValue) {
        fields.put(field, new Field(field, type, null, Map.of(), false, false, 4000));
        if (defaultValue != null) {
            defaults.put(field, defaultValue);
        }
        return this;
    }

    TableSchema text(String field, int maxLength) {
        fields.put(field, new Field(field, FieldType.STRING, null, Map.of(), false, false, maxLength));
        return this;
    }

    TableSchema reference(String field, String table) {
        fields.put(field, new Field(field, FieldType.REFERENCE, table, Map.of(), false, false, 32));
        return this;
    }

    TableSchema choice(String field, Map<String, String> choices, boolean numeric, String defaultValue) {
        fields.put(field, new Field(field, FieldType.CHOICE, null, choices, numeric, false, 40));
        if (defaultValue != null) {
            defaults.put(field, defaultValue);
        }
        return this;
    }

    /** A choice whose invalid values are dropped rather than stored. */
    TableSchema strictChoice(String field, Map<String, String> choices) {
        fields.put(field, new Field(field, FieldType.CHOICE, null, choices, false, true, 40));
        return this;
    }

    TableSchema journal(String... names) {
        for (String n : names) {
            fields.put(n, new Field(n, FieldType.JOURNAL, null, Map.of(), false, false, 4000));
        }
        return this;
    }

    public String name() {
        return name;
    }

    public String displayField() {
        return displayField;
    }

    public String numberPrefix() {
        return numberPrefix;
    }

    long numberStart() {
        return numberStart;
    }

    public Field field(String field) {
        return fields.get(field);
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    public Collection<Field> fields() {
        return fields.values();
    }

    Map<String, String> defaults() {
        return defaults;
    }
}
