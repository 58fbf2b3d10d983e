package io.jenkins.plugins.servicenowflashduty.client.servicenow;

/**
 * The outcome of a create that must not happen twice.
 *
 * @param reused true when an earlier, seemingly failed attempt had in fact created the record
 */
public record Created(SnRecord record, boolean reused) {
}
