package io.jenkins.plugins.servicenowflashduty.client.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a delivery waits after a failed attempt: doubling from {@code first} up to {@code longest}, with a
 * little jitter so deliveries that failed together do not all return together.
 */
public record Backoff(Duration first, Duration longest) {

    public Backoff {
        if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0) {
            throw new IllegalArgumentException("first must be positive and at most longest");
        }
    }

    /** 10 seconds, doubling to 10 minutes: an outage of hours costs six attempts an hour per key. */
    public static Backoff standard() {
        return new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(10));
    }

    /** The wait after the {@code attempts}-th failed attempt in a row. */
    public Duration after(int attempts) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 40);
        long millis = first.toMillis();
        for (int i = 0; i < doublings && millis < longest.toMillis(); i++) {
            millis *= 2;
        }
        millis = Math.min(longest.toMillis(), millis);
        long jitter = millis / 10;
        return Duration.ofMillis(millis - jitter + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextLong(jitter * 2 + 1)));
    }
}
