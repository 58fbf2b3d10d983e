package io.jenkins.plugins.servicenowflashduty.client.http;

/** Told about every attempt, e.g. to echo requests into a build log. Must not throw. */
@FunctionalInterface
public interface RequestListener {
    RequestListener NONE = e -> { };

    void onAttempt(RequestEvent event);
}
