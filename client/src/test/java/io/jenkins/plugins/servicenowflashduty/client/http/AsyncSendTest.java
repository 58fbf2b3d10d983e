package io.jenkins.plugins.servicenowflashduty.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link HttpTransport#sendAsync} against the simulator over real HTTP: retries on timers, the in-flight bound, 429 pauses. */
class AsyncSendTest {
    private Simulator sim;
    private List<RequestEvent> events;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        events = new CopyOnWriteArrayList<>();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpTransport transport(RetryPolicy retry, Duration requestTimeout, RequestListener listener) {
        HttpSettings settings = HttpSettings.defaults("ServiceNow").withListener(listener).withRetry(retry)
                .withTimeouts(Duration.ofSeconds(2), requestTimeout);
        return new HttpTransport(BaseUrl.parse(sim.baseUrl(), true), settings, new BasicAuthentication("jenkins", SecretValue.of("jenkins")));
    }

    private static final Call LIST = Call.get("/api/now/table/incident?sysparm_limit=1");

    private static Throwable failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void gatewayErrorsAreRetriedOnTimersUntilAnAnswerComes() throws Exception {
        HttpTransport t = transport(new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(10)),
                Duration.ofSeconds(5), events::add);
        sim.faults().on("GET", "/api/now/table/incident").times(2).respond(503);
        Reply r = t.sendAsync(LIST).get(10, TimeUnit.SECONDS);
        assertEquals(200, r.status());
        assertEquals(List.of(503, 503, 200), events.stream().map(RequestEvent::status).toList());
        assertEquals(List.of(1, 2, 3), events.stream().map(RequestEvent::attempt).toList());
    }

    @Test
    void theLastAnswerComesBackWhenAttemptsRunOut() throws Exception {
        HttpTransport t = transport(new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(10)),
                Duration.ofSeconds(5), events::add);
        sim.faults().on("GET", "/api/now/table/incident").respond(502);
        assertEquals(502, t.sendAsync(LIST).get(10, TimeUnit.SECONDS).status());
        assertEquals(2, events.size());
    }

    @Test
    void aStalledAnswerEndsAtTheRequestTimeoutWithASentence() {
        HttpTransport t = transport(RetryPolicy.none(), Duration.ofSeconds(1), events::add);
        sim.faults().on("GET", "/api/now/table/incident").stallBody(Duration.ofSeconds(60));
        long started = System.nanoTime();
        Throwable f = failure(t.sendAsync(LIST));
        ApiException e = assertInstanceOf(ApiException.class, f);
        assertEquals(Problem.TIMEOUT, e.problem());
        assertEquals("ServiceNow at 127.0.0.1 did not answer in time; try again later.", e.getMessage());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15), "ended near its timeout, not with the stall");
    }

    @Test
    void unreachableServicesFailWithTheSameSentenceAsBlockingCalls() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HttpSettings settings = HttpSettings.defaults("ServiceNow").withRetry(RetryPolicy.none());
        HttpTransport t = new HttpTransport(BaseUrl.parse("http://127.0.0.1:" + port, true), settings,
                new BasicAuthentication("jenkins", SecretValue.of("jenkins")));
        ApiException e = assertInstanceOf(ApiException.class, failure(t.sendAsync(LIST)));
        assertEquals(Problem.UNREACHABLE, e.problem());
        assertTrue(e.getMessage().startsWith("Could not connect to ServiceNow at 127.0.0.1"), e.getMessage());
    }

    @Test
    void writesThatMustHappenOnceAreNotSentThisWay() {
        Call create = Call.json("POST", "/api/now/table/incident", "{}".getBytes(StandardCharsets.UTF_8), Call.Repeat.ONCE);
        HttpTransport t = transport(RetryPolicy.standard(), Duration.ofSeconds(5), events::add);
        assertThrows(IllegalArgumentException.class, () -> t.sendAsync(create));
        assertEquals(0, sim.requests().all().size());
    }

    @Test
    void atMostEightRequestsAreInFlightAndTheRestWaitInLine() throws Exception {
        HttpTransport t = transport(RetryPolicy.standard(), Duration.ofSeconds(10), events::add);
        sim.faults().on("GET", "/api/now/table/incident").times(40).delay(Duration.ofMillis(200));
        InFlightLimit limit = t.settings().connector().inFlight();
        List<CompletableFuture<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(t.sendAsync(LIST));
        }
        int most = 0;
        int mostWaiting = 0;
        while (calls.stream().anyMatch(c -> !c.isDone())) {
            most = Math.max(most, limit.running());
            mostWaiting = Math.max(mostWaiting, limit.waiting());
            Thread.sleep(5);
        }
        for (CompletableFuture<Reply> c : calls) {
            assertEquals(200, c.get().status());
        }
        assertEquals(InFlightLimit.DEFAULT, most, "the bound was reached and never passed");
        assertTrue(mostWaiting >= 40 - InFlightLimit.DEFAULT - 1, "the rest waited in line: " + mostWaiting);
        assertEquals(0, limit.running());
    }

    @Test
    void a429PausesTheOtherStartsUntilItsRetryAfterHasPassed() throws Exception {
        AtomicLong limitedAt = new AtomicLong();
        CountDownLatch limited = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        HttpTransport t = transport(RetryPolicy.standard(), Duration.ofSeconds(5), e -> {
            attempts.incrementAndGet();
            if (e.status() == 429) {
                limitedAt.set(System.nanoTime());
                limited.countDown();
            }
        });
        sim.faults().on("GET", "/api/now/table/incident").times(1).retryAfter(1).respond(429);
        CompletableFuture<Reply> first = t.sendAsync(LIST);
        assertTrue(limited.await(10, TimeUnit.SECONDS));
        CompletableFuture<Reply> other = t.sendAsync(Call.get("/api/now/table/incident?sysparm_limit=2"));
        assertEquals(200, other.get(10, TimeUnit.SECONDS).status());
        long otherDone = System.nanoTime();
        assertEquals(200, first.get(10, TimeUnit.SECONDS).status());
        assertTrue(otherDone - limitedAt.get() >= TimeUnit.MILLISECONDS.toNanos(900),
                "another call waited for the Retry-After too: " + TimeUnit.NANOSECONDS.toMillis(otherDone - limitedAt.get()) + " ms");
        assertEquals(3, attempts.get());
    }
}
