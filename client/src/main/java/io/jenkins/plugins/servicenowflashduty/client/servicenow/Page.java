package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import java.util.List;

/**
 * One page of a list query.
 *
 * @param total rows matching in all, or -1 when ServiceNow did not say
 * @param nextOffset the offset of the next page, or -1 when this is the last
 */
public record Page(List<SnRecord> records, int total, int nextOffset) {
}
