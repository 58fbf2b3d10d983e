package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.util.Map;

/**
 * One column of a simulated table.
 *
 * @param reference the target table of a reference field, else null
 * @param choices value to label for choice fields (ordered), else empty
 * @param numericChoice whether the choice values are integers (typed as numbers by the Change API)
 * @param dropInvalid whether a value outside {@code choices} is silently dropped, as ServiceNow does for close codes
 * @param maxLength the column length; longer values are truncated as ServiceNow does
 */
public record Field(String name, FieldType type, String reference, Map<String, String> choices,
                    boolean numericChoice, boolean dropInvalid, int maxLength) {

    public boolean isReference() {
        return type == FieldType.REFERENCE;
    }

    public boolean isJournal() {
        return type == FieldType.JOURNAL;
    }

    /** What the UI shows for a raw value of this field (references are resolved by the caller). */
    public String label(String value) {
        if (type == FieldType.CHOICE) {
            return choices.getOrDefault(value, value);
        }
        return value;
    }
}
