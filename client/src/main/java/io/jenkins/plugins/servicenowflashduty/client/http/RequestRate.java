package io.jenkins.plugins.servicenowflashduty.client.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's published request limits (so many per second, so many per minute), kept on the client's side: a
 * request that the service would refuse with a 429 waits for its turn instead of being sent. Each limit is a sliding
 * window, never more lenient than the service's fixed ones. Not thread-safe: its {@link InFlightLimit} guards it.
 */
public final class RequestRate {
    /** No limit of the client's own: the service's 429s alone slow it down. */
    public static final RequestRate NONE = new RequestRate(List.of());

    private final List<Window> windows;

    private RequestRate(List<Window> windows) {
        this.windows = windows;
    }

    /**
     * Flashduty's limits per integration key: 100 requests a second and 1,000 a minute, each window 5% longer here,
     * for the time between counting a request and its arrival (a hand-off, the network), which varies.
     */
    public static RequestRate flashduty() {
        return NONE.and(100, Duration.ofMillis(1050)).and(1000, Duration.ofSeconds(63));
    }

    /** This rate with one more limit: at most {@code requests} in any {@code window}. */
    public RequestRate and(int requests, Duration window) {
        if (requests < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a rate allows at least one request in a window of some length");
        }
        List<Window> more = new ArrayList<>();
        windows.forEach(w -> more.add(new Window(w.starts.length, w.nanos)));
        more.add(new Window(requests, window.toNanos()));
        return new RequestRate(List.copyOf(more));
    }

    /** A fresh copy of the limits with nothing counted yet, for one service's connection. */
    RequestRate fresh() {
        return windows.isEmpty() ? NONE : new RequestRate(windows.stream().map(w -> new Window(w.starts.length, w.nanos)).toList());
    }

    /** How long until a request may start ({@link System#nanoTime()} {@code now}); 0 when it may start at once. */
    long waitNanos(long now) {
        long wait = 0;
        for (Window w : windows) {
            wait = Math.max(wait, w.waitNanos(now));
        }
        return wait;
    }

    /** Counts a request started at {@code now}. */
    void started(long now) {
        for (Window w : windows) {
            w.started(now);
        }
    }

    /** The last so many starts in a ring; a new one may start once the oldest is a window old. */
    private static final class Window {
        private final long[] starts;
        private final long nanos;
        private int next;
        private int count;

        Window(int requests, long nanos) {
            this.starts = new long[requests];
            this.nanos = nanos;
        }

        long waitNanos(long now) {
            if (count < starts.length) {
                return 0;
            }
            long oldest = starts[next]; // the ring is full: the next slot holds the oldest start
            return Math.max(0, oldest + nanos - now);
        }

        void started(long now) {
            starts[next] = now;
            next = (next + 1) % starts.length;
            count = Math.min(count + 1, starts.length);
        }
    }
}
