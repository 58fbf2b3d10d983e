package io.jenkins.plugins.servicenowflashduty.client.http;

import java.net.http.HttpRequest;

/** Puts credentials on a request; may renew them once when the server answers 401. */
public interface Authentication {
    Authentication NONE = new Authentication() {
        @Override
        public void apply(HttpRequest.Builder request) {
        }
    };

    void apply(HttpRequest.Builder request);

    /** Drops cached credentials after a 401; true when a new attempt could succeed (a fresh token). */
    default boolean renew() {
        return false;
    }
}
