package io.jenkins.plugins.servicenowflashduty.client.http;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how long a request is tried again: exponential backoff with full jitter, capped per
 * wait, bounded by a number of attempts and by a total deadline. A server's {@code Retry-After} wins
 * over the computed backoff, as long as it fits in the deadline.
 *
 * @param maxAttempts attempts in all, the first included
 * @param initialBackoff the wait before the second attempt, doubled after each further one
 * @param maxBackoff the longest computed wait
 * @param deadline the longest time a request may take, all attempts and waits included
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration deadline) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
    }

    /** Four attempts, 0.5 s doubling to at most 30 s, two minutes in all. */
    public static RetryPolicy standard() {
        return new RetryPolicy(4, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(2));
    }

    /**
     * Two attempts, 30 seconds in all: for a delivery from the queue, which has its own backoff of minutes
     * behind it and must not keep the deliveries behind it waiting through a long {@code Retry-After}.
     */
    public static RetryPolicy queued() {
        return new RetryPolicy(2, Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    /** One attempt only. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(2));
    }

    /** The wait before attempt {@code attempt + 1}, given the server's {@code Retry-After} (or null). */
    Duration backoff(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter;
        }
        long base = initialBackoff.toMillis() << Math.min(20, attempt - 1);
        long capped = Math.min(Math.max(0, base), maxBackoff.toMillis());
        // full jitter spreads simultaneous retries of many builds apart
        return Duration.ofMillis(capped == 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 2, capped + 1));
    }
}
