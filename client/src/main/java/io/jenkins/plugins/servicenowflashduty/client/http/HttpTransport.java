package io.jenkins.plugins.servicenowflashduty.client.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Sends {@link Call}s to one service with retries. Reads and plain updates are repeated after any
 * transient failure; calls that must act once ({@link Call.Repeat#ONCE}) are repeated only where the
 * server surely did not act, and otherwise come back as {@link Outcome.Uncertain} so that the operation
 * that made them can look for what it wrote before it tries again. Thread-safe; one per configured
 * service, shared by builds.
 *
 * <p>Blocking: every method that sends blocks the calling thread for at most the retry policy's deadline
 * (two minutes by default) plus one request timeout; waits go through the {@link Sleeper} and end early,
 * with {@link Problem#INTERRUPTED}, when the thread is interrupted.
 */
public final class HttpTransport {
    private final BaseUrl baseUrl;
    private final HttpSettings settings;
    private final Authentication authentication;

    public HttpTransport(BaseUrl baseUrl, HttpSettings settings, Authentication authentication) {
        this.baseUrl = baseUrl;
        this.settings = settings;
        this.authentication = authentication;
    }

    private volatile boolean prepared;

    private void prepare() {
        if (!prepared) {
            authentication.prepare(settings.connector(), baseUrl.host());
            prepared = true;
        }
    }

    /**
     * Whether asynchronous requests to this service wait for their turn (its rate, a 429's pause, or a free slot): a
     * caller may then stop waiting for its own instead of waiting out a queue.
     */
    public boolean holdsRequestsBack() {
        return settings.connector().inFlight().waiting() > 0;
    }

    /** The same connection pool and credentials, reporting attempts to another listener (a build's log). */
    public HttpTransport withListener(RequestListener listener) {
        return new HttpTransport(baseUrl, settings.withListener(listener), authentication);
    }

    /** The same connection pool and credentials, another patience (a queued delivery's shorter one). */
    public HttpTransport withRetry(RetryPolicy policy) {
        return new HttpTransport(baseUrl, settings.withRetry(policy), authentication);
    }

    /** The same connection pool, other credentials (e.g. the token endpoint's client authentication). */
    public HttpTransport withAuthentication(Authentication other) {
        return new HttpTransport(baseUrl, settings, other);
    }

    public BaseUrl baseUrl() {
        return baseUrl;
    }

    public HttpSettings settings() {
        return settings;
    }

    /** One call's budget: the attempts made so far and its deadline. Not shared between calls. */
    public static final class Attempts {
        private final Instant deadline;
        private int made;
        private boolean renewed;

        private Attempts(Instant deadline) {
            this.deadline = deadline;
        }

        /** Attempts sent so far. */
        public int made() {
            return made;
        }
    }

    /** Starts the budget of one call. */
    public Attempts begin() {
        return new Attempts(Instant.now().plus(settings.retry().deadline()));
    }

    /**
     * Sends the call, retrying what is safe to retry, and returns the last answer whatever its status. A
     * {@link Call.Repeat#ONCE} call is not repeated after an uncertain failure: use {@link #attempt} for that.
     *
     * @throws ApiException when no answer came at all (network, timeout, TLS, interruption), or the request could
     *     not be built; its message and causes never show a secret of the call or the authentication
     */
    public Reply send(Call call) {
        prepareFor(call);
        try {
            Attempts attempts = begin();
            while (true) {
                Outcome outcome = attempt(call, attempts);
                if (outcome instanceof Outcome.Answered answered) {
                    return answered.reply();
                }
                Outcome.Uncertain uncertain = (Outcome.Uncertain) outcome;
                // without a way to look, only a 429 is taken at its word and repeated
                boolean repeatable = call.repeat() == Call.Repeat.SAFE || uncertain.reply() != null && uncertain.reply().status() == 429;
                if (!repeatable || !prepareRepeat(attempts, uncertain)) {
                    return giveUp(uncertain);
                }
            }
        } catch (ApiException e) {
            throw mask(call).apply(e);
        }
    }

    /**
     * Sends a call that is safe to repeat ({@link Call.Repeat#SAFE}) without holding a thread while it is on its way:
     * each attempt waits for a slot of the service's {@link InFlightLimit}, the waits between attempts are timers, and
     * the retry policy, {@code Retry-After}, a renewed token after a 401 and the masking of secrets are those of
     * {@link #send}. A 429 pauses the service's other asynchronous starts too. The future completes on the HTTP
     * client's thread or the common pool: callers hand longer work to their own executor.
     *
     * @return the last answer whatever its status, or, failed, an {@link ApiException} that shows no secret
     */
    public CompletableFuture<Reply> sendAsync(Call call) {
        if (call.repeat() != Call.Repeat.SAFE) {
            throw new IllegalArgumentException("Only a call that is safe to repeat is sent asynchronously: " + call.method() + " " + call.path());
        }
        CompletableFuture<Reply> result = new CompletableFuture<>();
        try {
            prepareFor(call);
            attemptAsync(call, begin(), result);
        } catch (ApiException e) {
            result.completeExceptionally(mask(call).apply(e));
        }
        return result;
    }

    private void attemptAsync(Call call, Attempts attempts, CompletableFuture<Reply> result) {
        if (call.authenticated() && !authentication.appliesWithoutWaiting() && !(Thread.currentThread() instanceof ForkJoinWorkerThread)) {
            // a token must be fetched first, a blocking exchange: not on the caller's thread (the approval scheduler)
            ForkJoinPool.commonPool().execute(() -> {
                try {
                    attemptNow(call, attempts, result);
                } catch (ApiException e) {
                    result.completeExceptionally(mask(call).apply(e));
                }
            });
            return;
        }
        attemptNow(call, attempts, result);
    }

    private void attemptNow(Call call, Attempts attempts, CompletableFuture<Reply> result) {
        attempts.made++;
        long started = System.nanoTime();
        Duration timeout = timeoutBefore(attempts.deadline);
        if (timeout.isNegative() || timeout.isZero()) {
            result.completeExceptionally(mask(call).apply(networkFailure(Problem.TIMEOUT, new HttpTimeoutException("deadline passed"))));
            return;
        }
        settings.connector().inFlight().submit(() -> exchangeAsync(call, timeout)).whenComplete((reply, failure) -> {
            try {
                if (failure != null) {
                    afterFailure(call, attempts, result, started, failure);
                } else {
                    afterAnswer(call, attempts, result, started, reply);
                }
            } catch (ApiException e) {
                result.completeExceptionally(mask(call).apply(e));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
    }

    /** One attempt, its whole exchange (body included) within the timeout; the exchange is cancelled when it is not. */
    private CompletableFuture<Reply> exchangeAsync(Call call, Duration timeout) {
        Body.Opened body = call.body() == null ? null : openBody(call.body());
        try {
            CompletableFuture<HttpResponse<byte[]>> exchange = settings.connector().client()
                    .sendAsync(request(call, timeout, body), CappedBody.handler(CappedBody.MAX_BYTES));
            Timers.after(timeout.toMillis(), () -> exchange.cancel(true));
            return exchange.handle((r, failure) -> {
                if (body != null) {
                    body.close();
                }
                if (failure != null) {
                    Throwable cause = unwrap(failure);
                    throw new CompletionException(cause instanceof CancellationException
                            ? new HttpTimeoutException("no whole answer within " + timeout.toMillis() + " ms") : cause);
                }
                return new Reply(r.statusCode(), r.headers(), r.body() == null ? new byte[0] : r.body());
            });
        } catch (ApiException e) {
            closeQuietly(body);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(body);
            throw cannotSend(e);
        }
    }

    /** The failure behind an asynchronous call's wrappers ({@link CompletionException}, {@link ExecutionException}). */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** One request timeout, or what is left before the call's deadline if that is less. */
    private Duration timeoutBefore(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.compareTo(settings.requestTimeout()) < 0 ? left : settings.requestTimeout();
    }

    /** The request of one attempt, with its credentials. */
    private HttpRequest request(Call call, Duration timeout, Body.Opened body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(baseUrl.resolve(call.wirePathAndQuery()))
                .timeout(timeout)
                .header("User-Agent", settings.userAgent())
                .method(call.method(), body == null ? HttpRequest.BodyPublishers.noBody() : body.publisher());
        call.headers().forEach(b::header);
        if (call.authenticated()) {
            authentication.apply(b);
        }
        return b.build();
    }

    /**
     * A request that could not be made, e.g. the JDK refusing a header value: its message may quote the value, a secret,
     * so only its kind is told.
     */
    private ApiException cannotSend(Throwable e) {
        return new ApiException(Problem.INVALID_INPUT, 0, "The request to " + settings.serviceName() + " at " + baseUrl.host()
                + " could not be sent (" + e.getClass().getSimpleName() + "); check the credential and the URL.", e);
    }

    private static void closeQuietly(Body.Opened body) {
        if (body != null) {
            body.close();
        }
    }

    private void afterFailure(Call call, Attempts attempts, CompletableFuture<Reply> result, long started, Throwable failure) {
        Throwable cause = unwrap(failure);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (cause instanceof ApiException api) {
            throw api;
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CappedBody.TooLarge tooLarge) {
                report(call, 0, took, attempts.made, "TooLarge");
                throw tooLarge(tooLarge);
            }
        }
        if (!(cause instanceof IOException io)) {
            throw cannotSend(cause);
        }
        Problem problem = classify(io);
        report(call, 0, took, attempts.made, describe(io));
        ApiException sentence = networkFailure(problem, io);
        if (problem == Problem.TLS) {
            throw sentence;
        }
        // after a write timed out, the server gets one request timeout to finish it before it is repeated
        Duration wait = problem == Problem.TIMEOUT && !call.method().equals("GET") ? settings.requestTimeout() : null;
        retryLater(call, attempts, result, wait, () -> result.completeExceptionally(mask(call).apply(sentence)));
    }

    private void afterAnswer(Call call, Attempts attempts, CompletableFuture<Reply> result, long started, Reply reply) {
        Duration retryAfter = retryAfter(reply);
        if (reply.status() == 429 && settings.retryStatuses().contains(429)) {
            // before anything else can start; a service that names no wait (Flashduty) is given the first backoff
            settings.connector().inFlight().pause(retryAfter != null ? retryAfter : settings.retry().backoff(1, null));
        }
        report(call, reply.status(), Duration.ofNanos(System.nanoTime() - started), attempts.made, "");
        if (reply.status() == 401 && call.authenticated() && !attempts.renewed) {
            attempts.renewed = true;
            attempts.made--; // a fresh token is not a retry
            // renewing may ask the token endpoint and wait for it: never on the HTTP client's own thread
            CompletableFuture.supplyAsync(authentication::renew).whenComplete((renewed, failure) -> {
                if (Boolean.TRUE.equals(renewed)) {
                    attemptAsync(call, attempts, result);
                } else {
                    result.complete(reply);
                }
            });
            return;
        }
        if (!settings.retryStatuses().contains(reply.status())) {
            result.complete(reply);
            return;
        }
        retryLater(call, attempts, result, retryAfter, () -> result.complete(reply));
    }

    /** The next attempt after the backoff (or the server's wait), on a timer; {@code giveUp} when out of attempts or time. */
    private void retryLater(Call call, Attempts attempts, CompletableFuture<Reply> result, Duration wait, Runnable giveUp) {
        RetryPolicy policy = settings.retry();
        if (attempts.made >= policy.maxAttempts()) {
            giveUp.run();
            return;
        }
        Duration delay = policy.backoff(attempts.made, wait);
        if (Instant.now().plus(delay).isAfter(attempts.deadline)) {
            giveUp.run();
            return;
        }
        Timers.after(delay.toMillis(), () -> {
            try {
                attemptAsync(call, attempts, result);
            } catch (ApiException e) {
                result.completeExceptionally(mask(call).apply(e));
            }
        });
    }

    private ApiException tooLarge(CappedBody.TooLarge tooLarge) {
        return new ApiException(Problem.UNEXPECTED_RESPONSE, 0, settings.serviceName() + " at " + baseUrl.host()
                + " sent an answer larger than " + tooLarge.max / (1024 * 1024) + " MiB, more than the plugin reads;"
                + " check the URL, or ask for fewer rows or fields.");
    }

    /**
     * Sends the call until it is answered, repeating it where that is safe: after failures to connect
     * always, after anything else (429 included) only for {@link Call.Repeat#SAFE} calls.
     *
     * @return the answer (possibly an error status), or {@link Outcome.Uncertain} for a {@link Call.Repeat#ONCE}
     *     call the server may have carried out
     * @throws ApiException when no answer came and the call is out of attempts or time, or the request could not be
     *     built; its message and causes (and those of an uncertain outcome's failure) never show a secret
     */
    public Outcome attempt(Call call, Attempts attempts) {
        prepareFor(call);
        Outcome outcome;
        try {
            outcome = attemptUnmasked(call, attempts);
        } catch (ApiException e) {
            throw mask(call).apply(e);
        }
        if (outcome instanceof Outcome.Uncertain uncertain && uncertain.failure() != null) {
            return new Outcome.Uncertain(uncertain.reply(), mask(call).apply(uncertain.failure()));
        }
        return outcome;
    }

    /** The secrets of the authentication and of the call, to hide in whatever failure leaves the transport. */
    private SecretMask mask(Call call) {
        List<SecretValue> secrets = new ArrayList<>(authentication.secrets());
        if (call.secretValue() != null) {
            secrets.add(call.secretValue());
        }
        return SecretMask.of(secrets);
    }

    /**
     * Prepares the client for the authentication before the masked part of a call: its refusals are fixed sentences
     * made before any secret is used, and masking them would garble them when a secret is an everyday word.
     */
    private void prepareFor(Call call) {
        if (call.authenticated()) {
            prepare();
        }
    }

    private Outcome attemptUnmasked(Call call, Attempts attempts) {
        while (true) {
            attempts.made++;
            long started = System.nanoTime();
            Reply reply;
            try {
                reply = exchange(call, attempts.deadline);
            } catch (IOException e) {
                if (e instanceof CappedBody.TooLarge tooLarge) {
                    report(call, 0, Duration.ofNanos(System.nanoTime() - started), attempts.made, "TooLarge");
                    throw tooLarge(tooLarge);
                }
                Problem problem = classify(e);
                report(call, 0, Duration.ofNanos(System.nanoTime() - started), attempts.made, describe(e));
                ApiException failure = networkFailure(problem, e);
                if (problem == Problem.TLS) {
                    throw failure;
                }
                if (problem != Problem.UNREACHABLE) {
                    if (problem == Problem.TIMEOUT && !call.method().equals("GET")) {
                        awaitServer(attempts); // the server may still be working on the write we gave up on
                    }
                    if (call.repeat() == Call.Repeat.ONCE) {
                        return new Outcome.Uncertain(null, failure);
                    }
                }
                if (!backOff(attempts, null)) {
                    throw failure;
                }
                continue;
            }
            report(call, reply.status(), Duration.ofNanos(System.nanoTime() - started), attempts.made, "");
            if (reply.status() == 401 && call.authenticated() && !attempts.renewed && authentication.renew()) {
                attempts.renewed = true;
                attempts.made--; // a fresh token is not a retry
                continue;
            }
            if (!settings.retryStatuses().contains(reply.status())) {
                return new Outcome.Answered(reply);
            }
            // A gateway error may hide a write that happened. 429 should mean the server refused before acting,
            // but a proxy in front may say it after passing the request on: a caller that can look, looks.
            if (call.repeat() == Call.Repeat.ONCE) {
                return new Outcome.Uncertain(reply, null);
            }
            if (!backOff(attempts, retryAfter(reply))) {
                return new Outcome.Answered(reply);
            }
        }
    }

    /**
     * Waits before repeating a call after an uncertain outcome (once the caller has looked and found that
     * its write did not happen).
     *
     * @return false when the call is out of attempts or time; then {@link #giveUp} says why
     */
    public boolean prepareRepeat(Attempts attempts, Outcome.Uncertain uncertain) {
        return backOff(attempts, uncertain.reply() == null ? null : retryAfter(uncertain.reply()));
    }

    /** The gateway's answer of an uncertain outcome, or its network failure thrown. */
    public static Reply giveUp(Outcome.Uncertain uncertain) {
        if (uncertain.reply() != null) {
            return uncertain.reply();
        }
        throw uncertain.failure();
    }

    private Reply exchange(Call call, Instant deadline) throws IOException {
        awaitTurn(deadline);
        Duration timeout = timeoutBefore(deadline);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new HttpTimeoutException("deadline passed");
        }
        Body.Opened body = call.body() == null ? null : openBody(call.body());
        try {
            HttpResponse<byte[]> r = within(timeout, settings.connector().client().sendAsync(request(call, timeout, body),
                    CappedBody.handler(CappedBody.MAX_BYTES)));
            return new Reply(r.statusCode(), r.headers(), r.body() == null ? new byte[0] : r.body());
        } catch (InterruptedException e) {
            throw interrupted(e);
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw cannotSend(e);
        } finally {
            if (body != null) {
                body.close();
            }
        }
    }

    /**
     * The whole exchange, body included, within the timeout: {@link HttpRequest.Builder#timeout} covers only the
     * wait for the headers, and a server or proxy that stalls in the middle of a body would hold the thread forever.
     */
    private static HttpResponse<byte[]> within(Duration timeout, CompletableFuture<HttpResponse<byte[]>> exchange)
            throws IOException, InterruptedException {
        try {
            return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HttpTimeoutException("no whole answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof CappedBody.TooLarge tooLarge) {
                    throw tooLarge;
                }
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(cause);
        }
    }

    private Body.Opened openBody(Body body) {
        try {
            return body.open();
        } catch (IOException e) {
            if (e instanceof java.io.InterruptedIOException) {
                throw new ApiException(Problem.INTERRUPTED, 0, "Reading the content to send to " + settings.serviceName()
                        + " was interrupted.", e);
            }
            throw new ApiException(Problem.INVALID_INPUT, 0, "Could not read the content to send to " + settings.serviceName()
                    + "; check that the file exists and is readable.", e);
        }
    }

    /**
     * A blocking request waits, like the asynchronous ones, while the service has asked for a pause or its published
     * rate is used up; past the call's deadline it is not sent (the service would refuse it).
     */
    private void awaitTurn(Instant deadline) {
        Duration wait = settings.connector().inFlight().beforeBlockingStart();
        if (wait.isZero()) {
            return;
        }
        if (Instant.now().plus(wait).isAfter(deadline)) {
            throw new ApiException(Problem.RATE_LIMITED, 429, settings.serviceName() + "'s rate limit leaves no room for this request"
                    + " before its deadline, so it was not sent.");
        }
        try {
            settings.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** Sleeps the backoff before the next attempt; false (without sleeping) when out of attempts or time. */
    private boolean backOff(Attempts attempts, Duration retryAfter) {
        RetryPolicy policy = settings.retry();
        if (attempts.made >= policy.maxAttempts()) {
            return false;
        }
        Duration wait = policy.backoff(attempts.made, retryAfter);
        if (Instant.now().plus(wait).isAfter(attempts.deadline)) {
            return false;
        }
        try {
            settings.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        return true;
    }

    /**
     * Waits one request timeout (never past the call's deadline) after a write timed out, before it is
     * looked for or repeated: a request can sit in a queue past the client's patience and still be carried
     * out. A lookup made too early would miss it, and a repeat could land before it and be overtaken by it
     * (an old alert event arriving after a newer one). A write held up longer than this still lands late:
     * that window is what is left, and only a server-side key (a sys_id the client chose) closes it.
     */
    private void awaitServer(Attempts attempts) {
        Duration wait = timeoutBefore(attempts.deadline);
        if (wait.isNegative() || wait.isZero()) {
            return;
        }
        try {
            settings.sleeper().awaitServer(wait);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private ApiException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ApiException(Problem.INTERRUPTED, 0, "The request to " + settings.serviceName() + " was interrupted.", e);
    }

    private void report(Call call, int status, Duration took, int attempt, String failure) {
        try {
            settings.listener().onAttempt(new RequestEvent(call.method(), call.path(), status, took, attempt, failure));
        } catch (RuntimeException ignored) {
            // a broken listener must not break the request
        }
    }

    /** {@code Retry-After} as seconds or as an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(Reply reply) {
        Optional<String> v = reply.header("Retry-After");
        if (v.isEmpty()) {
            return null;
        }
        String s = v.get().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(s)));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(Instant.now(), DateTimeFormatter.RFC_1123_DATE_TIME.parse(s, Instant::from));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    static Problem classify(IOException e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException) {
                return Problem.UNREACHABLE;
            }
            if (t instanceof SSLException) {
                return Problem.TLS;
            }
            if (t instanceof HttpTimeoutException) {
                return Problem.TIMEOUT;
            }
            t = t.getCause();
        }
        return Problem.SERVER_ERROR; // reset or closed mid-answer: the server may have acted
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName();
    }

    private ApiException networkFailure(Problem problem, IOException e) {
        String service = settings.serviceName();
        String host = baseUrl.host();
        String sentence = switch (problem) {
            case UNREACHABLE -> "Could not connect to " + service + " at " + host
                    + "; check the URL, the network and the Jenkins proxy settings.";
            case TLS -> "The secure connection to " + service + " at " + host
                    + " failed; check the URL and that Jenkins trusts the server's certificate.";
            case TIMEOUT -> service + " at " + host + " did not answer in time; try again later.";
            default -> "The connection to " + service + " at " + host + " was lost before an answer came; try again later.";
        };
        return new ApiException(problem == Problem.SERVER_ERROR ? Problem.UNREACHABLE : problem, 0, sentence, e);
    }
}
