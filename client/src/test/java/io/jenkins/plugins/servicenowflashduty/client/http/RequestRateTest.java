package io.jenkins.plugins.servicenowflashduty.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A service's published limits, kept by the client: sliding windows, and the starts they hold back. */
class RequestRateTest {

    @Test
    void eachWindowCountsTheLastStartsItAllows() {
        RequestRate rate = RequestRate.NONE.and(2, Duration.ofMillis(100)).and(3, Duration.ofSeconds(1)).fresh();
        long t = 1_000_000_000L;
        assertEquals(0, rate.waitNanos(t));
        rate.started(t);
        rate.started(t + ms(10));
        assertEquals(ms(90), rate.waitNanos(t + ms(10)), "two in 100 ms: the third waits until the first is 100 ms old");
        rate.started(t + ms(100));
        assertEquals(ms(900), rate.waitNanos(t + ms(100)), "three in a second: the fourth waits until the first is a second old");
        assertEquals(0, rate.waitNanos(t + ms(1000)));
    }

    @Test
    void aRateIsCountedPerConnectionNotShared() {
        RequestRate published = RequestRate.NONE.and(1, Duration.ofSeconds(1));
        RequestRate one = published.fresh();
        one.started(0);
        assertTrue(one.waitNanos(1) > 0);
        assertEquals(0, published.fresh().waitNanos(1));
        assertThrows(IllegalArgumentException.class, () -> RequestRate.NONE.and(0, Duration.ofSeconds(1)));
    }

    @Test
    void asynchronousStartsWaitForTheRateHoldingNoThread() throws Exception {
        InFlightLimit limit = new InFlightLimit(8, RequestRate.NONE.and(3, Duration.ofMillis(300)));
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<String>> done = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            done.add(limit.submit(() -> {
                starts.add(System.nanoTime());
                return CompletableFuture.completedFuture("ok");
            }));
        }
        assertEquals(3, starts.size(), "three start at once; the rest wait on a timer, not on this thread");
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        List<Long> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        // measured where each request runs, a little after the limit counted it (a pool's hand-off): a margin for that
        for (int i = 3; i < sorted.size(); i++) {
            assertTrue(sorted.get(i) - sorted.get(i - 3) >= ms(250), "never four starts within 300 ms: " + sorted);
        }
    }

    @Test
    void aBlockingStartIsToldHowLongToWaitAndCountedThen() {
        InFlightLimit limit = new InFlightLimit(8, RequestRate.NONE.and(1, Duration.ofSeconds(10)));
        assertEquals(Duration.ZERO, limit.beforeBlockingStart());
        Duration wait = limit.beforeBlockingStart();
        assertTrue(wait.compareTo(Duration.ofSeconds(9)) > 0 && wait.compareTo(Duration.ofSeconds(10)) <= 0, wait.toString());
        assertTrue(limit.beforeBlockingStart().compareTo(Duration.ofSeconds(19)) > 0, "the second wait is counted after the first");
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
