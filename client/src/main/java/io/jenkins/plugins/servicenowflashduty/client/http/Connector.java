package io.jenkins.plugins.servicenowflashduty.client.http;

import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Makes, once, the {@link HttpClient} that every transport of one configuration shares: its connection
 * pool, proxy, proxy authentication and TLS. The caller supplies the builder (Jenkins passes
 * {@code ProxyConfiguration.newHttpClientBuilder()}, which brings the proxy and its credentials); the
 * connector adds what the client relies on: no redirects, HTTP/1.1, the connect timeout, and follow-up
 * work run in place rather than on a pool of worker threads per client.
 */
public final class Connector {
    private final Supplier<HttpClient.Builder> builder;
    private final Duration connectTimeout;
    private final SSLContext sslContext;
    private volatile HttpClient client;
    /** Basic credentials per host, for servers reached through a client that has an authenticator. */
    private final Map<String, PasswordAuthentication> serverCredentials = new ConcurrentHashMap<>();
    private volatile boolean dropsAuthorization;
    private final RequestRate rate;
    private final InFlightLimit inFlight;

    private Connector(Supplier<HttpClient.Builder> builder, Duration connectTimeout, SSLContext sslContext, RequestRate rate) {
        this.builder = Objects.requireNonNull(builder);
        this.connectTimeout = Objects.requireNonNull(connectTimeout);
        this.sslContext = sslContext;
        this.rate = Objects.requireNonNull(rate);
        this.inFlight = new InFlightLimit(InFlightLimit.DEFAULT, rate);
    }

    /** A direct connection, JVM default trust. */
    public static Connector direct(Duration connectTimeout) {
        return new Connector(HttpClient::newBuilder, connectTimeout, null, RequestRate.NONE);
    }

    /** Builds on the caller's builder, e.g. one carrying a proxy and its authenticator. */
    public static Connector from(Supplier<HttpClient.Builder> builder, Duration connectTimeout) {
        return new Connector(builder, connectTimeout, null, RequestRate.NONE);
    }

    public Connector withConnectTimeout(Duration timeout) {
        return new Connector(builder, timeout, sslContext, rate);
    }

    /** Another trust (a private CA), or null for the JVM default. */
    public Connector withSslContext(SSLContext context) {
        return new Connector(builder, connectTimeout, context, rate);
    }

    /** The service's published request limits, kept by this connection's requests. */
    public Connector withRequestRate(RequestRate limits) {
        return new Connector(builder, connectTimeout, sslContext, limits);
    }

    /** The bound on asynchronous requests in flight to this service, shared by every transport of the connection. */
    public InFlightLimit inFlight() {
        return inFlight;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The shared client, built on first use. */
    HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    HttpClient.Builder b = builder.get()
                            // callers wait for each exchange and bodies are only collected (and capped), so follow-up work is short
                            .executor(Runnable::run)
                            .connectTimeout(connectTimeout)
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .version(HttpClient.Version.HTTP_1_1);
                    if (sslContext != null) {
                        b.sslContext(sslContext);
                    }
                    c = b.build();
                    Optional<Authenticator> proxyAuthenticator = c.authenticator();
                    if (proxyAuthenticator.isPresent()) {
                        // The JDK drops every Authorization header of a client that has an authenticator (an
                        // authenticated proxy), so the server's Basic credentials must come through it too.
                        c = b.authenticator(new ProxyAndServerAuthenticator(proxyAuthenticator.get(), serverCredentials)).build();
                        dropsAuthorization = true;
                    }
                    client = c;
                }
            }
        }
        return c;
    }

    /**
     * Whether requests lose their {@code Authorization} header (a proxy authenticator is set): then only
     * Basic credentials registered with {@link #answerBasicChallenges} reach the server.
     */
    public boolean dropsAuthorization() {
        client();
        return dropsAuthorization;
    }

    /** Answers the server's Basic challenges from {@code host} with these credentials. */
    public void answerBasicChallenges(String host, String userName, SecretValue password) {
        serverCredentials.put(host.toLowerCase(Locale.ROOT), new PasswordAuthentication(userName, password.reveal().toCharArray()));
    }

    /** Proxy prompts go to the caller's authenticator; server prompts get the registered Basic credentials. */
    private static final class ProxyAndServerAuthenticator extends Authenticator {
        private final Authenticator proxy;
        private final Map<String, PasswordAuthentication> servers;

        ProxyAndServerAuthenticator(Authenticator proxy, Map<String, PasswordAuthentication> servers) {
            this.proxy = proxy;
            this.servers = servers;
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            if (getRequestorType() == RequestorType.PROXY) {
                return proxy.requestPasswordAuthenticationInstance(getRequestingHost(), getRequestingSite(), getRequestingPort(),
                        getRequestingProtocol(), getRequestingPrompt(), getRequestingScheme(), getRequestingURL(), getRequestorType());
            }
            String host = getRequestingHost() == null ? "" : getRequestingHost().toLowerCase(Locale.ROOT);
            return "basic".equalsIgnoreCase(getRequestingScheme()) ? servers.get(host) : null;
        }
    }

    @Override
    public String toString() {
        return "Connector[connectTimeout=" + connectTimeout + (sslContext == null ? "" : ", custom trust") + "]";
    }
}
