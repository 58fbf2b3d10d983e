package io.jenkins.plugins.servicenowflashduty.client.worknote;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import io.jenkins.plugins.servicenowflashduty.client.servicenow.Repeat;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import java.util.List;

/** Work notes and comments on any ticket: the operation behind {@code serviceNowWorkNote}. */
public final class WorkNotes {
    /** Journal entries beyond this are refused: a build log belongs in an attachment, not a note. */
    public static final int MAX_TEXT = 100_000;

    private final ServiceNowClient client;

    /** Refuses an empty or overlong entry before anything is sent (or queued). */
    public static void check(JournalField field, String text) {
        if (text == null || text.isBlank()) {
            throw invalidInput("The " + (field == JournalField.WORK_NOTES ? "work note" : "comment") + " is empty.");
        }
        if (text.length() > MAX_TEXT) {
            throw invalidInput("The note is " + text.length() + " characters long; keep it to at most "
                    + MAX_TEXT + " and attach long logs as a file instead.");
        }
    }

    public WorkNotes(ServiceNowClient client) {
        this.client = client;
    }

    /**
     * Appends an entry; a retry never adds it twice where the journal is readable.
     *
     * @return the ticket, with its number
     */
    public SnRecord add(TicketRef ticket, JournalField field, String text) {
        return add(ticket, field, text, null);
    }

    /** {@link #add(TicketRef, JournalField, String)} for a queued delivery: an entry an earlier attempt wrote is not written again. */
    public SnRecord add(TicketRef ticket, JournalField field, String text, Repeat repeat) {
        check(field, text);
        SnRecord target = ticket.resolve(client);
        if (repeat != null && repeat.mayHaveHappened()
                && client.journalHasSince(target.sysId(), field.column(), text, repeat.earlierAttemptSince())) {
            return target;
        }
        return client.appendJournal(ticket.table(), target.sysId(), field.column(), text);
    }

    /** The newest entries first; empty when the user may not read the journal (ServiceNow hides it silently). */
    public List<JournalEntry> read(TicketRef ticket, JournalField field, int limit) {
        SnRecord target = ticket.resolve(client);
        return client.query("sys_journal_field", TableQuery.where("element_id").is(target.sysId()).and("element").is(field.column())
                        .orderByDescending("sys_created_on"), limit, "element", "element_id", "value", "sys_created_on", "sys_created_by")
                .stream()
                .filter(r -> target.sysId().equals(r.get("element_id")))
                .map(r -> new JournalEntry(r.get("element"), r.get("value"), r.get("sys_created_on"), r.get("sys_created_by")))
                .toList();
    }
}
