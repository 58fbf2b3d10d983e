package io.jenkins.plugins.servicenowflashduty.client.worknote;

/**
 * One entry of a record's journal.
 *
 * @param createdOn UTC {@code yyyy-MM-dd HH:mm:ss}
 */
public record JournalEntry(String field, String text, String createdOn, String createdBy) {
}
