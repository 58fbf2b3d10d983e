package io.jenkins.plugins.servicenowflashduty.client.delivery;

import java.time.Instant;

/**
 * How the {@link Outbox} is doing, for a warning to administrators.
 *
 * @param pending deliveries waiting, held ones included
 * @param held deliveries waiting for an administrator
 * @param failuresInARow failed attempts since the last delivery that went out
 * @param failingSince when the first of those failed, or null
 * @param lastError the last failure's sentence, or empty
 * @param refused deliveries refused because the queue was full, since the controller started
 * @param unreadable files in the queue's directory that could not be read (set aside, not deleted)
 */
public record OutboxHealth(int pending, int held, int failuresInARow, Instant failingSince, String lastError, long refused,
                           int unreadable) {

    /** Whether an administrator should look: deliveries keep failing, wait for them, were refused or are unreadable. */
    public boolean needsAttention(int failuresBeforeWarning) {
        return failuresInARow >= failuresBeforeWarning || held > 0 || refused > 0 || unreadable > 0;
    }
}
