package io.jenkins.plugins.servicenowflashduty.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport against the simulator over real HTTP, with faults injected by the simulator. */
class HttpTransportTest {
    private Simulator sim;
    private RecordingSleeper sleeper;
    private List<RequestEvent> events;
    private HttpTransport transport;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        sleeper = new RecordingSleeper();
        events = new CopyOnWriteArrayList<>();
        transport = transport(RetryPolicy.standard(), Duration.ofSeconds(5));
    }

    private HttpTransport transport(RetryPolicy retry, Duration requestTimeout) {
        HttpSettings settings = HttpSettings.defaults("ServiceNow").withSleeper(sleeper).withListener(events::add)
                .withRetry(retry).withTimeouts(Duration.ofSeconds(2), requestTimeout);
        return new HttpTransport(BaseUrl.parse(sim.baseUrl(), true), settings, new BasicAuthentication("jenkins", SecretValue.of("jenkins")));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static Call create(String json) {
        return Call.json("POST", "/api/now/table/incident", json.getBytes(StandardCharsets.UTF_8), Call.Repeat.ONCE);
    }

    private int incidents() {
        return sim.serviceNow().records("incident").size();
    }

    @Test
    void sendsAuthenticatedRequestsAndReportsEachAttempt() {
        Reply r = transport.send(Call.get("/api/now/table/sys_user_group?sysparm_limit=1"));
        assertEquals(200, r.status());
        assertTrue(r.isJson());
        assertEquals(1, events.size());
        assertEquals("/api/now/table/sys_user_group", events.get(0).path()); // never the query
        assertEquals(200, events.get(0).status());
        assertEquals("servicenow-flashduty-jenkins", sim.requests().all().get(0).headers().get("user-agent").get(0));
    }

    @Test
    void retriesGatewayErrorsOnReadsWithGrowingBackoff() {
        sim.faults().on("GET", "/api/now/table/incident").times(2).respond(503);
        Reply r = transport.send(Call.get("/api/now/table/incident"));
        assertEquals(200, r.status());
        assertEquals(List.of(503, 503, 200), events.stream().map(RequestEvent::status).toList());
        assertEquals(3, events.get(2).attempt());
        List<Duration> waits = sleeper.waits();
        assertEquals(2, waits.size());
        assertTrue(waits.get(0).toMillis() >= 250 && waits.get(0).toMillis() <= 500, waits.toString());
        assertTrue(waits.get(1).toMillis() >= 500 && waits.get(1).toMillis() <= 1000, waits.toString());
    }

    @Test
    void honoursRetryAfter() {
        sim.faults().on("GET", "/api/now/table/incident").times(1).retryAfter(7).respond(429);
        assertEquals(200, transport.send(Call.get("/api/now/table/incident")).status());
        assertEquals(List.of(Duration.ofSeconds(7)), sleeper.waits());
    }

    @Test
    void aRetryAfterBeyondTheDeadlineEndsTheCallWithTheAnswer() {
        sim.faults().on("GET", "/api/now/table/incident").times(1).retryAfter(3600).respond(429);
        Reply r = transport.send(Call.get("/api/now/table/incident"));
        assertEquals(429, r.status());
        assertEquals("3600", r.header("Retry-After").orElseThrow());
        assertTrue(sleeper.waits().isEmpty());
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheLastAnswer() {
        sim.faults().on("GET", "/api/now/table/incident").respond(502);
        Reply r = transport.send(Call.get("/api/now/table/incident"));
        assertEquals(502, r.status());
        assertEquals(4, events.size());
        assertFalse(r.isJson());
    }

    @Test
    void doesNotRetryOtherClientErrors() {
        Reply r = transport.send(Call.get("/api/now/table/no_such_table"));
        assertEquals(400, r.status());
        assertEquals(1, events.size());
    }

    @Test
    void connectionRefusedBecomesOneSentence() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HttpTransport dead = new HttpTransport(BaseUrl.parse("http://127.0.0.1:" + closedPort, true),
                HttpSettings.defaults("ServiceNow").withSleeper(sleeper).withListener(events::add), Authentication.NONE);
        ApiException e = assertThrows(ApiException.class, () -> dead.send(Call.get("/api/now/table/incident")));
        assertEquals(Problem.UNREACHABLE, e.problem());
        assertEquals("Could not connect to ServiceNow at 127.0.0.1; check the URL, the network and the Jenkins proxy settings.", e.getMessage());
        assertEquals(4, events.size());
        assertEquals("ConnectException", events.get(0).failure());
    }

    @Test
    void unknownHostsAndTlsFailuresAreNamed() throws Exception {
        HttpTransport nowhere = new HttpTransport(BaseUrl.parse("https://no-such-instance.invalid", false),
                HttpSettings.defaults("ServiceNow").withSleeper(sleeper), Authentication.NONE);
        ApiException unknown = assertThrows(ApiException.class, () -> nowhere.send(Call.get("/api/now/table/incident")));
        assertEquals(Problem.UNREACHABLE, unknown.problem());
        assertEquals("Could not connect to ServiceNow at no-such-instance.invalid; check the URL, the network and the Jenkins proxy settings.",
                unknown.getMessage());
        // https to a server that answers in plain HTTP: the handshake fails at once, and is not retried
        try (ServerSocket plain = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!plain.isClosed()) {
                    try (java.net.Socket s = plain.accept()) {
                        s.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            HttpTransport tls = new HttpTransport(BaseUrl.parse("https://127.0.0.1:" + plain.getLocalPort(), false),
                    HttpSettings.defaults("ServiceNow").withSleeper(sleeper).withListener(events::add), Authentication.NONE);
            ApiException handshake = assertThrows(ApiException.class, () -> tls.send(Call.get("/api/now/table/incident")));
            assertEquals(Problem.TLS, handshake.problem());
            assertEquals("The secure connection to ServiceNow at 127.0.0.1 failed; check the URL and that Jenkins trusts the server's certificate.",
                    handshake.getMessage());
        }
        assertEquals(1, events.size());
    }

    @Test
    void slowAnswersTimeOutAndAreRetried() {
        HttpTransport quick = transport(RetryPolicy.standard(), Duration.ofMillis(300));
        sim.faults().on("GET", "/api/now/table/incident").times(1).delay(Duration.ofMillis(1500));
        assertEquals(200, quick.send(Call.get("/api/now/table/incident")).status());
        assertEquals("HttpTimeoutException", events.get(0).failure());

        sim.faults().on("GET", "/api/now/table/incident").delay(Duration.ofMillis(1500));
        ApiException e = assertThrows(ApiException.class, () -> quick.send(Call.get("/api/now/table/incident")));
        assertEquals(Problem.TIMEOUT, e.problem());
        assertEquals("ServiceNow at 127.0.0.1 did not answer in time; try again later.", e.getMessage());
    }

    @Test
    void aCreateWithoutAKeyIsNotRepeatedAfterAGatewayError() {
        sim.faults().on("POST", "/api/now/table/incident").times(1).afterProcessing().respond(502);
        Reply r = transport.send(create("{}"));
        assertEquals(502, r.status());
        assertEquals(1, events.size());
        assertEquals(1, incidents());
    }

    @Test
    void aCreateIsRepeatedAfter429BecauseNothingHappened() {
        sim.faults().on("POST", "/api/now/table/incident").times(1).retryAfter(1).respond(429);
        assertEquals(201, transport.send(create("{}")).status());
        assertEquals(1, incidents());
    }

    @Test
    void aCreateThatMayHaveHappenedComesBackUncertainAndIsNotSentAgain() {
        sim.faults().on("POST", "/api/now/table/incident").times(1).afterProcessing().drop();
        HttpTransport.Attempts attempts = transport.begin();
        Outcome outcome = transport.attempt(create("{}"), attempts);
        Outcome.Uncertain uncertain = assertInstanceOf(Outcome.Uncertain.class, outcome);
        assertEquals(Problem.UNREACHABLE, uncertain.failure().problem());
        assertEquals(1, incidents()); // it did happen: only the caller's lookup can know
        assertEquals(1, sim.requests().matching("POST", "/api/now/table/incident").size());
    }

    @Test
    void aCreateRefusedByTheGatewayMayBeRepeatedOnceTheCallerHasLooked() {
        sim.faults().on("POST", "/api/now/table/incident").times(1).respond(503);
        HttpTransport.Attempts attempts = transport.begin();
        Outcome.Uncertain uncertain = assertInstanceOf(Outcome.Uncertain.class, transport.attempt(create("{}"), attempts));
        assertEquals(503, uncertain.reply().status());
        assertTrue(transport.prepareRepeat(attempts, uncertain));
        Outcome.Answered answered = assertInstanceOf(Outcome.Answered.class, transport.attempt(create("{}"), attempts));
        assertEquals(201, answered.reply().status());
        assertEquals(1, incidents());
        assertEquals(2, attempts.made());
    }

    @Test
    void aTimedOutWriteIsGivenTheServersTimeThroughTheSleeperNeverPastTheDeadline() {
        HttpTransport quick = transport(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(5)),
                Duration.ofMillis(200));
        sim.faults().on("POST", "/api/now/table/incident").times(1).delay(Duration.ofMillis(600));
        Outcome outcome = quick.attempt(create("{}"), quick.begin());
        assertInstanceOf(Outcome.Uncertain.class, outcome);
        assertEquals(List.of(Duration.ofMillis(200)), sleeper.serverWaits());

        HttpTransport tight = transport(new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofMillis(300)),
                Duration.ofMillis(200));
        sim.faults().on("POST", "/api/now/table/incident").times(1).delay(Duration.ofMillis(600));
        assertInstanceOf(Outcome.Uncertain.class, tight.attempt(create("{}"), tight.begin()));
        Duration second = sleeper.serverWaits().get(1);
        assertTrue(second.toMillis() > 0 && second.toMillis() <= 100, "bounded by what is left of the deadline: " + second);
    }

    @Test
    void anInterruptedCallSaysSoAndIsNotATimeout() throws Exception {
        sim.faults().on("GET", "/api/now/table/incident").times(1).delay(Duration.ofSeconds(3));
        AtomicReference<ApiException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                transport.send(Call.get("/api/now/table/incident"));
            } catch (ApiException e) {
                failure.set(e);
            }
        });
        t.start();
        Thread.sleep(300);
        t.interrupt();
        t.join(5000);
        assertEquals(Problem.INTERRUPTED, failure.get().problem());
        assertEquals("The request to ServiceNow was interrupted.", failure.get().getMessage());

        Sleeper interrupting = d -> {
            throw new InterruptedException();
        };
        // another table: the first request may not have reached the simulator (and taken its fault) before the interrupt
        sim.faults().on("GET", "/api/now/table/problem").times(1).respond(503);
        HttpTransport backingOff = new HttpTransport(BaseUrl.parse(sim.baseUrl(), true), HttpSettings.defaults("ServiceNow")
                .withSleeper(interrupting), Authentication.NONE);
        ApiException e = assertThrows(ApiException.class, () -> backingOff.send(Call.get("/api/now/table/problem")));
        assertEquals(Problem.INTERRUPTED, e.problem());
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    }

    @Test
    void theCallersClientBuilderCarriesProxyAndProxyAuthentication() throws Exception {
        try (AuthenticatingProxy proxy = AuthenticatingProxy.start("proxy-user", "proxy-pass")) {
            HttpSettings settings = HttpSettings.defaults("ServiceNow").withSleeper(sleeper)
                    .withClientBuilder(() -> HttpClient.newBuilder()
                            .proxy(ProxySelector.of(proxy.address()))
                            .authenticator(new Authenticator() {
                                @Override
                                protected PasswordAuthentication getPasswordAuthentication() {
                                    return getRequestorType() == RequestorType.PROXY
                                            ? new PasswordAuthentication("proxy-user", "proxy-pass".toCharArray()) : null;
                                }
                            }));
            // a host that does not resolve: only the proxy can reach "it"
            HttpTransport viaProxy = new HttpTransport(BaseUrl.parse("http://instance.example.invalid:" + sim.port(), true), settings,
                    new BasicAuthentication("jenkins", SecretValue.of("jenkins")));
            assertEquals(200, viaProxy.send(Call.get("/api/now/table/incident?sysparm_limit=1")).status());
            // the JDK drops Authorization headers of a client with an authenticator: Basic answers the challenge
            assertEquals(List.of(407, 401, 200), proxy.statuses());
            assertEquals(200, viaProxy.send(Call.get("/api/now/table/incident?sysparm_limit=1")).status());
            assertEquals(200, proxy.statuses().get(proxy.statuses().size() - 1));

            HttpTransport bearer = new HttpTransport(BaseUrl.parse("http://instance.example.invalid:" + sim.port(), true), settings,
                    HeaderAuthentication.bearer(SecretValue.of("token")));
            ApiException refused = assertThrows(ApiException.class, () -> bearer.send(Call.get("/api/now/table/incident")));
            assertEquals(Problem.INVALID_INPUT, refused.problem());
            assertTrue(refused.getMessage().startsWith("A token cannot be sent through a proxy that needs a password"), refused.getMessage());
        }
    }

    @Test
    void copiesOfOneConfigurationShareOneHttpClient() {
        HttpSettings settings = HttpSettings.defaults("ServiceNow");
        assertSame(settings.connector().client(), settings.withListener(e -> { }).withSleeper(sleeper).connector().client());
        assertNotSame(settings.connector().client(), settings.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)).connector().client());
    }

    @Test
    void anExpiredTokenIsRenewedOnce() {
        AtomicInteger renewals = new AtomicInteger();
        Authentication flaky = new Authentication() {
            @Override
            public void apply(HttpRequest.Builder request) {
                request.header("Authorization", renewals.get() == 0 ? "Bearer stale" : "Basic amVua2luczpqZW5raW5z");
            }

            @Override
            public boolean renew() {
                renewals.incrementAndGet();
                return true;
            }
        };
        HttpTransport t = transport.withAuthentication(flaky);
        assertEquals(200, t.send(Call.get("/api/now/table/incident")).status());
        assertEquals(1, renewals.get());
        // a second 401 in the same call is final
        assertEquals(401, t.withAuthentication(new Authentication() {
            @Override
            public void apply(HttpRequest.Builder request) {
                request.header("Authorization", "Bearer stale");
            }

            @Override
            public boolean renew() {
                return true;
            }
        }).send(Call.get("/api/now/table/incident")).status());
    }

    @Test
    void aBrokenListenerDoesNotBreakTheRequest() {
        HttpTransport noisy = transport.withListener(e -> {
            throw new IllegalStateException("boom");
        });
        assertEquals(200, noisy.send(Call.get("/api/now/table/incident")).status());
    }

    @Test
    void anAnswerThatStallsMidBodyEndsAtTheRequestTimeoutNotNever() {
        sim.faults().on("GET", "/api/now/table/incident").stallBody(Duration.ofSeconds(60));
        HttpTransport patient = transport(RetryPolicy.none(), Duration.ofSeconds(1));
        long started = System.nanoTime();
        ApiException e = assertThrows(ApiException.class, () -> patient.send(Call.get("/api/now/table/incident?sysparm_limit=1")));
        long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertEquals(Problem.TIMEOUT, e.problem());
        assertEquals("ServiceNow at 127.0.0.1 did not answer in time; try again later.", e.getMessage());
        assertTrue(tookMs < 5_000, "ended after " + tookMs + " ms, not when the body arrived (60 s)");
    }

    @Test
    void anAnswerLargerThanTheBoundIsRefusedWhileItIsRead() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(java.net.URI.create(sim.baseUrl() + "/api/now/table/sys_user?sysparm_limit=100"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString("jenkins:jenkins".getBytes(StandardCharsets.UTF_8)))
                .build();
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> client.sendAsync(request, CappedBody.handler(64)).get());
        Throwable t = e.getCause();
        while (t != null && !(t instanceof CappedBody.TooLarge)) {
            t = t.getCause();
        }
        assertInstanceOf(CappedBody.TooLarge.class, t, String.valueOf(e.getCause()));
        assertEquals(2, client.sendAsync(request, CappedBody.handler(CappedBody.MAX_BYTES)).get().statusCode() / 100, "within the bound: read");
    }
}
