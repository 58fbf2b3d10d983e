package io.jenkins.plugins.servicenowflashduty.client.http;

import java.time.Duration;

/**
 * Every wait the client makes goes through here; tests pass one that records instead of sleeping.
 * Both methods may be interrupted (an aborted build), and then end the call.
 */
public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    /** A backoff between attempts. */
    void sleep(Duration duration) throws InterruptedException;

    /**
     * Gives the server time to finish a write whose answer we gave up on, before looking for it. Distinct
     * from a backoff because it is about the server's clock, not about being polite: a test that skips
     * backoffs may still want this one to pass for real.
     */
    default void awaitServer(Duration duration) throws InterruptedException {
        sleep(duration);
    }
}
