package io.jenkins.plugins.servicenowflashduty.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** The simulator's clock: real time plus an offset tests can advance (token expiry, approval delays). */
public final class SimClock extends Clock {
    private final Clock base;
    private final AtomicLong offsetMillis = new AtomicLong();

    public SimClock(Clock base) {
        this.base = base;
    }

    public static SimClock system() {
        return new SimClock(Clock.systemUTC());
    }

    /** Moves simulated time forward; what waits on time (tokens, approvals, rate windows) sees it at once. */
    public void advance(Duration duration) {
        offsetMillis.addAndGet(duration.toMillis());
    }

    @Override
    public Instant instant() {
        return base.instant().plusMillis(offsetMillis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("The simulator runs in UTC");
    }
}
