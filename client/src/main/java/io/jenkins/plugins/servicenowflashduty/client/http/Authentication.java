package io.jenkins.plugins.servicenowflashduty.client.http;

import java.net.http.HttpRequest;
import java.util.List;

/** Puts credentials on a request; may renew them once when the server answers 401. */
public interface Authentication {
    Authentication NONE = new Authentication() {
        @Override
        public void apply(HttpRequest.Builder request) {
        }
    };

    void apply(HttpRequest.Builder request);

    /**
     * Prepares the shared client for this authentication, once per transport. A client whose proxy needs a
     * password drops {@code Authorization} headers (a rule of the JDK's HTTP client): Basic credentials then
     * answer the server's challenge instead, and a scheme that cannot do that refuses with a sentence.
     */
    default void prepare(Connector connector, String host) {
    }

    /**
     * Whether {@link #apply} returns without asking anyone (false while an OAuth token must be fetched): an
     * asynchronous call that would wait applies it on the common pool, never on the caller's or the HTTP client's
     * thread.
     */
    default boolean appliesWithoutWaiting() {
        return true;
    }

    /** Drops cached credentials after a 401; true when a new attempt could succeed (a fresh token). */
    default boolean renew() {
        return false;
    }

    /**
     * Every secret this authentication puts on a request, in the form it puts it there (a Basic header's
     * Base64 too), so that the transport can mask them in whatever failure leaves it. Kept current: an OAuth
     * authentication includes the tokens it holds now.
     */
    default List<SecretValue> secrets() {
        return List.of();
    }
}
