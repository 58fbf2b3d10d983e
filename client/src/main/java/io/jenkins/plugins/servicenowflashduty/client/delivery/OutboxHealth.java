package io.jenkins.plugins.servicenowflashduty.client.delivery;

import java.time.Instant;

/**
 * How the {@link Outbox} is doing, for a warning to administrators. Read from the deliveries waiting, so it
 * is the same after a restart, and a service that works does not hide one that keeps failing.
 *
 * @param pending deliveries waiting, held ones included
 * @param held deliveries waiting for an administrator
 * @param failing deliveries whose last attempt failed
 * @param mostAttempts the most attempts any of those has had
 * @param failingSince when the first attempt of the longest-failing one started, or null
 * @param lastError the last error of the one with the most attempts (or of the queue's own directory), or empty
 * @param refused deliveries refused because the queue was full, since the controller started
 * @param unreadable files in the queue's directory that could not be read (set aside, not deleted)
 */
public record OutboxHealth(int pending, int held, int failing, int mostAttempts, Instant failingSince, String lastError, long refused,
                           int unreadable) {

    /** Whether an administrator should look: a delivery failed this often, waits for them, was refused, or is unreadable. */
    public boolean needsAttention(int attemptsBeforeWarning) {
        return mostAttempts >= attemptsBeforeWarning || held > 0 || refused > 0 || unreadable > 0;
    }
}
