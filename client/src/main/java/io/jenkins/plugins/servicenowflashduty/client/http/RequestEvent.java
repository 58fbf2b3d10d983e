package io.jenkins.plugins.servicenowflashduty.client.http;

import java.time.Duration;

/**
 * One attempt of one request, as the listener sees it. The path never holds query parameters, so no
 * key or token sent as a parameter can leak through it.
 *
 * @param status the HTTP status, or 0 when no answer came
 * @param failure a short description of a network failure, or empty
 */
public record RequestEvent(String method, String path, int status, Duration duration, int attempt, String failure) {

    @Override
    public String toString() {
        return method + " " + path + " -> " + (status > 0 ? Integer.toString(status) : failure)
                + " in " + duration.toMillis() + " ms" + (attempt > 1 ? " (attempt " + attempt + ")" : "");
    }
}
