package io.jenkins.plugins.servicenowflashduty.client.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.Repeat;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One write waiting in the {@link Outbox}: kept on disk from the moment it is queued until it is delivered
 * or an administrator discards it.
 *
 * @param id random, 32 hex digits; also the sys_id of a record the write creates, so a repeat finds it
 * @param sequence the order of queueing; deliveries with the same key go out in this order
 * @param key what must stay in order, e.g. one incident's correlation key: a resolve never overtakes its raise
 * @param kind which {@link QueuedWrites} operation carries it out
 * @param summary one line for people: what this delivery does and for which build
 * @param origin who queued it, for the caller's own use (the plugin keeps the build's id here), or empty
 * @param payload the operation's parameters
 * @param attempts how many attempts have started, counted before each starts, so a restart knows one may
 *     have succeeded
 * @param firstAttemptAt when the first attempt started, or null
 * @param nextAttemptAt not attempted again before this
 * @param lastError the sentence of the last failed attempt, or empty
 * @param held true after a failure that waiting cannot cure and Jenkins must ({@link Undeliverable}): it waits for
 *     an administrator's retry or discard
 */
public record Delivery(String id, long sequence, String key, String kind, String summary, String origin, ObjectNode payload,
                       Instant queuedAt, int attempts, Instant firstAttemptAt, Instant nextAttemptAt, String lastError, boolean held) {
    /** How far the two clocks (this one and ServiceNow's) may disagree when looking for an earlier attempt's note. */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);

    public Delivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(queuedAt, "queuedAt");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        summary = summary == null ? "" : summary;
        origin = origin == null ? "" : origin;
        lastError = lastError == null ? "" : lastError;
    }

    /** What the operation needs to act once however often it is carried out. */
    public Repeat repeat() {
        return new Repeat(id, attempts > 1 && firstAttemptAt != null ? firstAttemptAt.minus(CLOCK_MARGIN) : null);
    }

    Delivery starting(Instant now) {
        return new Delivery(id, sequence, key, kind, summary, origin, payload, queuedAt, attempts + 1,
                firstAttemptAt == null ? now : firstAttemptAt, nextAttemptAt, lastError, held);
    }

    Delivery failed(String error, boolean hold, Instant next) {
        return new Delivery(id, sequence, key, kind, summary, origin, payload, queuedAt, attempts, firstAttemptAt, next, error, hold);
    }

    Delivery dueAt(Instant next) {
        return new Delivery(id, sequence, key, kind, summary, origin, payload, queuedAt, attempts, firstAttemptAt, next, lastError, false);
    }
}
