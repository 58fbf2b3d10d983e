package io.jenkins.plugins.servicenowflashduty.client.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * How to reach one service: connection, timeouts, retries, listener. Immutable; {@code with*} copies.
 * Copies that keep the connection settings share one {@link HttpClient} (see {@link Connector}).
 *
 * @param serviceName "ServiceNow" or "Flashduty", for messages
 * @param connector makes the shared HTTP client
 * @param requestTimeout the longest wait for one answer
 * @param retryStatuses answer statuses worth another attempt; {@link #GATEWAY_STATUSES} by default
 */
public record HttpSettings(String serviceName, Connector connector, Duration requestTimeout, RetryPolicy retry,
                           RequestListener listener, Sleeper sleeper, String userAgent, Set<Integer> retryStatuses) {

    public HttpSettings {
        Objects.requireNonNull(serviceName);
        Objects.requireNonNull(connector);
        Objects.requireNonNull(requestTimeout);
        Objects.requireNonNull(retry);
        listener = listener == null ? RequestListener.NONE : listener;
        sleeper = sleeper == null ? Sleeper.REAL : sleeper;
        userAgent = userAgent == null ? "servicenow-flashduty-jenkins" : userAgent;
        retryStatuses = retryStatuses == null ? GATEWAY_STATUSES : Set.copyOf(retryStatuses);
    }

    /** Statuses retried by default: rate limiting and gateway failures. */
    public static final Set<Integer> GATEWAY_STATUSES = Set.of(429, 502, 503, 504);

    /** 10 s to connect, 30 s per request, the standard retry policy, a direct connection. */
    public static HttpSettings defaults(String serviceName) {
        return new HttpSettings(serviceName, Connector.direct(Duration.ofSeconds(10)), Duration.ofSeconds(30),
                RetryPolicy.standard(), RequestListener.NONE, Sleeper.REAL, null, null);
    }

    public HttpSettings withServiceName(String name) {
        return new HttpSettings(name, connector, requestTimeout, retry, listener, sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withTimeouts(Duration connect, Duration request) {
        return new HttpSettings(serviceName, connector.withConnectTimeout(connect), request, retry, listener, sleeper, userAgent, retryStatuses);
    }

    /**
     * Builds the HTTP client on the caller's builder: Jenkins's {@code ProxyConfiguration.newHttpClientBuilder()}
     * brings the proxy, proxy authentication and its timeouts.
     */
    public HttpSettings withClientBuilder(Supplier<HttpClient.Builder> builder) {
        return new HttpSettings(serviceName, Connector.from(builder, connector.connectTimeout()), requestTimeout, retry, listener,
                sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withSslContext(SSLContext context) {
        return new HttpSettings(serviceName, connector.withSslContext(context), requestTimeout, retry, listener, sleeper, userAgent, retryStatuses);
    }

    /** The service's published request limits, which requests then keep instead of being refused (per connection). */
    public HttpSettings withRequestRate(RequestRate rate) {
        return new HttpSettings(serviceName, connector.withRequestRate(rate), requestTimeout, retry, listener, sleeper, userAgent,
                retryStatuses);
    }

    public HttpSettings withRetry(RetryPolicy policy) {
        return new HttpSettings(serviceName, connector, requestTimeout, policy, listener, sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withListener(RequestListener l) {
        return new HttpSettings(serviceName, connector, requestTimeout, retry, l, sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withSleeper(Sleeper s) {
        return new HttpSettings(serviceName, connector, requestTimeout, retry, listener, s, userAgent, retryStatuses);
    }

    /** Which answer statuses are worth another attempt (besides network failures). */
    public HttpSettings withRetryStatuses(Set<Integer> statuses) {
        return new HttpSettings(serviceName, connector, requestTimeout, retry, listener, sleeper, userAgent, statuses);
    }

    public HttpSettings withUserAgent(String agent) {
        return new HttpSettings(serviceName, connector, requestTimeout, retry, listener, sleeper, agent, retryStatuses);
    }
}
