package io.jenkins.plugins.servicenowflashduty.client.http;

/**
 * What one round of {@link HttpTransport#attempt} learned about a call that must not act twice: an
 * answer, or a failure after which the server may or may not have acted. Only the operation that made
 * the call can tell which (by looking for what it wrote), so the transport hands the question back.
 */
public sealed interface Outcome {

    /** The server answered; whatever the status, the answer says what happened. */
    record Answered(Reply reply) implements Outcome {
    }

    /**
     * No answer that tells: a lost connection, a timeout, or a gateway error (502, 503, 504) that may hide a
     * write that happened.
     *
     * @param reply the gateway's answer, or null when none came
     * @param failure the network failure as a sentence, or null when a gateway answered
     */
    record Uncertain(Reply reply, ApiException failure) implements Outcome {
    }
}
