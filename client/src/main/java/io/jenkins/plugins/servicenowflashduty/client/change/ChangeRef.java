package io.jenkins.plugins.servicenowflashduty.client.change;

import java.io.Serializable;
import java.util.List;

/**
 * A change request as the pipeline holds on to it (it is kept in the build across a controller restart).
 *
 * @param url the change's page in ServiceNow
 * @param ignoredFields fields ServiceNow ignored when the change was opened (unknown names in {@code fields:}),
 *     so a step can warn; empty otherwise
 */
public record ChangeRef(String sysId, String number, String type, ChangeState state, String approval, String url,
                        List<String> ignoredFields) implements Serializable {
    private static final long serialVersionUID = 1L;

    public ChangeRef {
        ignoredFields = ignoredFields == null ? List.of() : List.copyOf(ignoredFields);
    }

    public ChangeRef(String sysId, String number, String type, ChangeState state, String approval, String url) {
        this(sysId, number, type, state, approval, url, List.of());
    }
}
