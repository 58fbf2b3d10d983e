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
 * @param queueProblem what is wrong with the queue itself (its directory cannot be written, its worker stopped), or empty
 */
public record OutboxHealth(int pending, int held, int failing, int mostAttempts, Instant failingSince, String lastError, long refused,
                           int unreadable, String queueProblem) {

    public OutboxHealth {
        queueProblem = queueProblem == null ? "" : queueProblem;
    }

    /** Whether an administrator should look: a delivery failed this often, waits for them, was refused, is unreadable, or the queue has a problem. */
    public boolean needsAttention(int attemptsBeforeWarning) {
        return mostAttempts >= attemptsBeforeWarning || held > 0 || refused > 0 || unreadable > 0 || !queueProblem.isEmpty();
    }
}
