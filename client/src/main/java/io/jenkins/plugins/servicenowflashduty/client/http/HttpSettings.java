package io.jenkins.plugins.servicenowflashduty.client.http;

import java.net.ProxySelector;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * How to reach one service: timeouts, proxy, TLS, retries, listener. Immutable; {@code with*} copies.
 *
 * @param serviceName "ServiceNow" or "Flashduty", for messages
 * @param proxy null for a direct connection (Jenkins passes its own proxy configuration here)
 * @param sslContext null for the JVM default trust
 * @param retryStatuses answer statuses worth another attempt; {@link #GATEWAY_STATUSES} by default
 */
public record HttpSettings(String serviceName, Duration connectTimeout, Duration requestTimeout, ProxySelector proxy,
                           SSLContext sslContext, RetryPolicy retry, RequestListener listener, Sleeper sleeper,
                           String userAgent, Set<Integer> retryStatuses) {

    public HttpSettings {
        Objects.requireNonNull(serviceName);
        Objects.requireNonNull(connectTimeout);
        Objects.requireNonNull(requestTimeout);
        Objects.requireNonNull(retry);
        listener = listener == null ? RequestListener.NONE : listener;
        sleeper = sleeper == null ? Sleeper.REAL : sleeper;
        userAgent = userAgent == null ? "servicenow-flashduty-jenkins" : userAgent;
        retryStatuses = retryStatuses == null ? GATEWAY_STATUSES : Set.copyOf(retryStatuses);
    }

    /** Statuses retried by default: rate limiting and gateway failures. */
    public static final Set<Integer> GATEWAY_STATUSES = Set.of(429, 502, 503, 504);

    /** 10 s to connect, 30 s per request, the standard retry policy, no proxy. */
    public static HttpSettings defaults(String serviceName) {
        return new HttpSettings(serviceName, Duration.ofSeconds(10), Duration.ofSeconds(30), null, null,
                RetryPolicy.standard(), RequestListener.NONE, Sleeper.REAL, null, null);
    }

    public HttpSettings withServiceName(String name) {
        return new HttpSettings(name, connectTimeout, requestTimeout, proxy, sslContext, retry, listener, sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withTimeouts(Duration connect, Duration request) {
        return new HttpSettings(serviceName, connect, request, proxy, sslContext, retry, listener, sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withProxy(ProxySelector selector) {
        return new HttpSettings(serviceName, connectTimeout, requestTimeout, selector, sslContext, retry, listener, sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withSslContext(SSLContext context) {
        return new HttpSettings(serviceName, connectTimeout, requestTimeout, proxy, context, retry, listener, sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withRetry(RetryPolicy policy) {
        return new HttpSettings(serviceName, connectTimeout, requestTimeout, proxy, sslContext, policy, listener, sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withListener(RequestListener l) {
        return new HttpSettings(serviceName, connectTimeout, requestTimeout, proxy, sslContext, retry, l, sleeper, userAgent, retryStatuses);
    }

    public HttpSettings withSleeper(Sleeper s) {
        return new HttpSettings(serviceName, connectTimeout, requestTimeout, proxy, sslContext, retry, listener, s, userAgent, retryStatuses);
    }

    /** Which answer statuses are worth another attempt (besides network failures). */
    public HttpSettings withRetryStatuses(Set<Integer> statuses) {
        return new HttpSettings(serviceName, connectTimeout, requestTimeout, proxy, sslContext, retry, listener, sleeper, userAgent, statuses);
    }

    public HttpSettings withUserAgent(String agent) {
        return new HttpSettings(serviceName, connectTimeout, requestTimeout, proxy, sslContext, retry, listener, sleeper, agent, retryStatuses);
    }
}
