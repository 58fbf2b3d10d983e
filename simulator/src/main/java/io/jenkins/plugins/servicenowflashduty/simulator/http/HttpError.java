package io.jenkins.plugins.servicenowflashduty.simulator.http;

/** Ends a request early with a ready answer (an API's own error body). */
public final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Response response;

    public HttpError(Response response) {
        super("HTTP " + response.status(), null, false, false);
        this.response = response;
    }

    public Response response() {
        return response;
    }
}
