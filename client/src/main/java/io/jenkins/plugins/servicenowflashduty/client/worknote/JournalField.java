package io.jenkins.plugins.servicenowflashduty.client.worknote;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.util.Locale;

/** The two journal fields of a task: internal work notes and customer-visible comments. */
public enum JournalField {
    WORK_NOTES("work_notes"), COMMENTS("comments");

    private final String column;

    JournalField(String column) {
        this.column = column;
    }

    public String column() {
        return column;
    }

    /** {@code work_notes}/{@code worknote}/{@code work note} or {@code comments}/{@code comment}, any case. */
    public static JournalField parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace(' ', '_');
        return switch (t) {
            case "work_notes", "work_note", "worknote", "worknotes" -> WORK_NOTES;
            case "comments", "comment", "additional_comments" -> COMMENTS;
            default -> throw invalidInput("'" + text + "' is not a journal field; use work_notes (internal) or comments (visible to the caller).");
        };
    }
}
