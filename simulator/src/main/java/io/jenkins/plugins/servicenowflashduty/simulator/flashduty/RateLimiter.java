package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import io.jenkins.plugins.servicenowflashduty.simulator.SimClock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Flashduty's per-integration limits: 100 requests a second and 1000 a minute, in fixed windows. */
final class RateLimiter {
    static final int PER_SECOND = 100;
    static final int PER_MINUTE = 1000;

    private final SimClock clock;
    private final Map<String, Windows> windows = new ConcurrentHashMap<>();

    private static final class Windows {
        long second = -1;
        int inSecond;
        long minute = -1;
        int inMinute;
    }

    RateLimiter(SimClock clock) {
        this.clock = clock;
    }

    /** Counts a request; false when it is over either limit. */
    boolean allow(String integrationKey) {
        long nowMs = clock.millis();
        Windows w = windows.computeIfAbsent(integrationKey, k -> new Windows());
        synchronized (w) {
            long s = nowMs / 1000;
            long m = nowMs / 60000;
            if (s != w.second) {
                w.second = s;
                w.inSecond = 0;
            }
            if (m != w.minute) {
                w.minute = m;
                w.inMinute = 0;
            }
            if (w.inSecond >= PER_SECOND || w.inMinute >= PER_MINUTE) {
                return false;
            }
            w.inSecond++;
            w.inMinute++;
            return true;
        }
    }
}
