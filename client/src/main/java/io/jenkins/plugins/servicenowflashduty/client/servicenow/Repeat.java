package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import java.time.Instant;

/**
 * What lets a queued write be carried out again without acting twice: the sys_id a record it creates gets
 * (the same on every attempt), and, when an earlier attempt may already have succeeded, since when to look
 * for the journal entry that attempt would have written.
 *
 * @param sysId the sys_id for a record the write creates
 * @param earlierAttemptSince when the first earlier attempt started (less a margin for the two clocks), or
 *     null on a first attempt, when nothing can have been written yet
 */
public record Repeat(String sysId, Instant earlierAttemptSince) {

    /** Whether an earlier attempt may already have done the work. */
    public boolean mayHaveHappened() {
        return earlierAttemptSince != null;
    }
}
