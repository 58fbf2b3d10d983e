package io.jenkins.plugins.servicenowflashduty.client.change;

import java.io.Serializable;

/**
 * A change request as the pipeline holds on to it (it is kept in the build across a controller restart).
 *
 * @param url the change's page in ServiceNow
 */
public record ChangeRef(String sysId, String number, String type, ChangeState state, String approval, String url) implements Serializable {
    private static final long serialVersionUID = 1L;
}
