package io.jenkins.plugins.servicenowflashduty.client.http;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * At most so many asynchronous requests to one service at a time; the rest wait in order, holding no thread. A
 * {@code 429} pauses every start until its {@code Retry-After} has passed, since a rate limit is the service's,
 * not one request's; where the service publishes its limits ({@link RequestRate}), no request is started that they
 * would refuse. Thread-safe; one per {@link Connector}, so per configured service.
 */
public final class InFlightLimit {
    /** What one ServiceNow node serves side by side for one integration user without queueing it. */
    public static final int DEFAULT = 8;

    private final int max;
    private final RequestRate rate;
    private final Queue<Runnable> waiting = new ArrayDeque<>();
    private int running;
    private long pausedUntilNanos;
    private boolean resumeScheduled;

    public InFlightLimit(int max) {
        this(max, RequestRate.NONE);
    }

    /** With the service's published limits, counted for this service alone. */
    public InFlightLimit(int max, RequestRate rate) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one request must be allowed in flight");
        }
        this.max = max;
        this.rate = rate.fresh();
        this.pausedUntilNanos = System.nanoTime(); // not paused: nanoTime's origin is arbitrary, so 0 would not do
    }

    /**
     * Starts the request now when a slot is free, the service has not asked to wait and its rate allows, later otherwise.
     *
     * @param request starts one exchange; its future's end frees the slot
     */
    public <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> request) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletableFuture<T> exchange;
            try {
                exchange = request.get();
            } catch (RuntimeException e) {
                release();
                result.completeExceptionally(e);
                return;
            }
            exchange.whenComplete((value, failure) -> {
                release();
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            });
        };
        boolean now;
        synchronized (this) {
            now = running < max && waiting.isEmpty() && waitNanos() == 0;
            if (now) {
                running++;
                rate.started(System.nanoTime());
            } else {
                waiting.add(start);
            }
        }
        if (now) {
            start.run();
        } else {
            drain(); // a pause that nothing running will end
        }
        return result;
    }

    /** The service answered 429: nothing new starts for this long. */
    public void pause(Duration retryAfter) {
        long until = System.nanoTime() + Math.max(0, retryAfter.toNanos());
        synchronized (this) {
            if (until - pausedUntilNanos > 0) {
                pausedUntilNanos = until;
            }
        }
    }

    /**
     * For a blocking request, which takes no slot: how long it must wait before it starts (the service's pause, or its
     * published rate); its start is counted then, so that the caller sleeps once.
     */
    public synchronized Duration beforeBlockingStart() {
        long now = System.nanoTime();
        long wait = waitNanos();
        rate.started(now + wait);
        return Duration.ofNanos(wait);
    }

    /** Requests started and not yet answered. */
    public synchronized int running() {
        return running;
    }

    /** Requests waiting for a slot. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** How long until the next start: the pause a 429 asked for, or what the published rate allows. Under the lock. */
    private long waitNanos() {
        long now = System.nanoTime();
        return Math.max(Math.max(0, pausedUntilNanos - now), rate.waitNanos(now));
    }

    private void release() {
        synchronized (this) {
            running--;
        }
        drain();
    }

    /**
     * Starts what waits, as far as slots, the pause and the rate allow, on the common pool: the thread that freed the slot
     * may be the HTTP client's own, which must not block (a start may fetch an OAuth token).
     */
    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                if (waiting.isEmpty() || running >= max) {
                    return;
                }
                long wait = waitNanos();
                if (wait > 0) {
                    if (!resumeScheduled) {
                        resumeScheduled = true;
                        long delay = Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1);
                        Timers.after(delay, () -> {
                            synchronized (this) {
                                resumeScheduled = false;
                            }
                            drain();
                        });
                    }
                    return;
                }
                next = waiting.poll();
                running++;
                rate.started(System.nanoTime());
            }
            ForkJoinPool.commonPool().execute(next);
        }
    }
}
