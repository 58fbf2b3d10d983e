package io.jenkins.plugins.servicenowflashduty.client.http;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the waits the transport asks for and returns at once, so retry tests take milliseconds. */
public final class RecordingSleeper implements Sleeper {
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final List<Duration> serverWaits = new CopyOnWriteArrayList<>();
    private final boolean serverWaitsForReal;

    public RecordingSleeper() {
        this(false);
    }

    /** @param serverWaitsForReal sleep for real when the server is given time: against a live server that must finish a write */
    public RecordingSleeper(boolean serverWaitsForReal) {
        this.serverWaitsForReal = serverWaitsForReal;
    }

    @Override
    public void sleep(Duration duration) {
        waits.add(duration);
    }

    @Override
    public void awaitServer(Duration duration) throws InterruptedException {
        serverWaits.add(duration);
        if (serverWaitsForReal) {
            Thread.sleep(duration.toMillis());
        }
    }

    /** The waits given to the server after a timed-out write. */
    public List<Duration> serverWaits() {
        return List.copyOf(serverWaits);
    }

    /** The backoffs between attempts. */
    public List<Duration> waits() {
        return List.copyOf(waits);
    }
}
