package io.jenkins.plugins.servicenowflashduty.client.delivery;

/** The {@link Outbox} holds as many deliveries as it may; the one offered was not queued. */
public final class QueueFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    QueueFullException(String message) {
        super(message);
    }
}
