package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

/** How a column stores, compares and displays its value. */
public enum FieldType {
    STRING, INTEGER, BOOLEAN, DATETIME, REFERENCE, CHOICE, JOURNAL, SYS_ID
}
