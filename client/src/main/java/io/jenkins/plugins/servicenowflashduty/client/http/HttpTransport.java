package io.jenkins.plugins.servicenowflashduty.client.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Sends {@link Call}s to one service with retries, and never sends a create twice without first
 * checking whether the first one took effect. Thread-safe; one per configured service, shared by builds.
 */
public final class HttpTransport {
    private final BaseUrl baseUrl;
    private final HttpSettings settings;
    private final HttpClient client;
    private final Authentication authentication;

    public HttpTransport(BaseUrl baseUrl, HttpSettings settings, Authentication authentication) {
        this(baseUrl, settings, authentication, build(settings));
    }

    private HttpTransport(BaseUrl baseUrl, HttpSettings settings, Authentication authentication, HttpClient client) {
        this.baseUrl = baseUrl;
        this.settings = settings;
        this.authentication = authentication;
        this.client = client;
    }

    private static HttpClient build(HttpSettings settings) {
        HttpClient.Builder b = HttpClient.newBuilder()
                // Calls are synchronous and bodies are read whole, so the client's follow-up work is short;
                // running it in place saves the default executor's pool of worker threads per client.
                .executor(Runnable::run)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1);
        if (settings.proxy() != null) {
            b.proxy(settings.proxy());
        }
        if (settings.sslContext() != null) {
            b.sslContext(settings.sslContext());
        }
        return b.build();
    }

    /** The same connection pool and credentials, reporting attempts to another listener (a build's log). */
    public HttpTransport withListener(RequestListener listener) {
        return new HttpTransport(baseUrl, settings.withListener(listener), authentication, client);
    }

    /** The same connection pool, other credentials (e.g. the token endpoint's client authentication). */
    public HttpTransport withAuthentication(Authentication other) {
        return new HttpTransport(baseUrl, settings, other, client);
    }

    public BaseUrl baseUrl() {
        return baseUrl;
    }

    public HttpSettings settings() {
        return settings;
    }

    /**
     * Sends the call, retrying what is safe to retry, and returns the last answer whatever its status.
     *
     * @throws ApiException when no answer came at all (network, timeout, TLS) within the retry policy
     */
    public Reply send(Call call) {
        RetryPolicy policy = settings.retry();
        Instant deadline = Instant.now().plus(policy.deadline());
        boolean renewed = false;
        boolean mayHaveActed = false; // a create may have taken effect although we saw no success
        int attempt = 0;
        while (true) {
            attempt++;
            if (mayHaveActed && call.repeat() == Call.Repeat.CREATE) {
                Optional<Reply> existing = call.reconcile().get();
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            long started = System.nanoTime();
            Reply reply;
            try {
                reply = exchange(call, deadline);
            } catch (IOException e) {
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                Problem problem = classify(e);
                report(call, 0, took, attempt, describe(e));
                boolean reached = problem != Problem.UNREACHABLE;
                boolean retryable = problem != Problem.TLS && (call.repeat() == Call.Repeat.SAFE || !reached || call.reconcile() != null);
                Duration wait = policy.backoff(attempt, null);
                if (!retryable || attempt >= policy.maxAttempts() || Instant.now().plus(wait).isAfter(deadline)) {
                    throw networkFailure(problem, e);
                }
                mayHaveActed |= reached;
                if (problem == Problem.TIMEOUT && !call.method().equals("GET")) {
                    settle(); // the server may still be working on the write we gave up on
                }
                sleep(wait);
                continue;
            }
            report(call, reply.status(), Duration.ofNanos(System.nanoTime() - started), attempt, "");
            if (reply.status() == 401 && call.authenticated() && !renewed && authentication.renew()) {
                renewed = true;
                attempt--; // a fresh token is not a retry
                continue;
            }
            if (!settings.retryStatuses().contains(reply.status()) || attempt >= policy.maxAttempts()) {
                return reply;
            }
            // 429 means the server refused before acting; a gateway error may hide a create that happened.
            // Where a lookup exists it runs before every repeat anyway: one read is cheap insurance.
            boolean gateway = reply.status() != 429;
            if (call.repeat() == Call.Repeat.CREATE && gateway && call.reconcile() == null) {
                return reply;
            }
            Duration wait = policy.backoff(attempt, retryAfter(reply));
            if (Instant.now().plus(wait).isAfter(deadline)) {
                return reply;
            }
            mayHaveActed |= gateway || call.reconcile() != null;
            sleep(wait);
        }
    }

    private Reply exchange(Call call, Instant deadline) throws IOException {
        Duration left = Duration.between(Instant.now(), deadline);
        Duration timeout = left.compareTo(settings.requestTimeout()) < 0 ? left : settings.requestTimeout();
        if (timeout.isNegative() || timeout.isZero()) {
            throw new HttpTimeoutException("deadline passed");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(baseUrl.resolve(call.pathAndQuery()))
                .timeout(timeout)
                .header("User-Agent", settings.userAgent())
                .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(call.body()));
        call.headers().forEach(b::header);
        if (call.authenticated()) {
            authentication.apply(b);
        }
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(r.statusCode(), r.headers(), r.body() == null ? new byte[0] : r.body());
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private void sleep(Duration wait) {
        try {
            settings.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /**
     * Waits one request timeout after a write timed out, before looking for its result or repeating it:
     * a request can sit in a queue past the client's patience and still be carried out. A lookup made
     * too early would miss it, and a repeat could land before it and be overtaken by it (an old alert
     * event arriving after a newer one). Real time, not the retry sleeper: this is about the server.
     */
    private void settle() {
        try {
            Thread.sleep(settings.requestTimeout().toMillis());
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private ApiException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ApiException(Problem.TIMEOUT, 0, "The request to " + settings.serviceName() + " was interrupted.", e);
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
            case TIMEOUT -> service + " at " + host + " did not answer in time; try again later or raise the timeout.";
            default -> "The connection to " + service + " at " + host + " was lost before an answer came; try again later.";
        };
        return new ApiException(problem == Problem.SERVER_ERROR ? Problem.UNREACHABLE : problem, 0, sentence, e);
    }
}
