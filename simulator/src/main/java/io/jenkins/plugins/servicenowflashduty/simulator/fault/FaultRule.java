package io.jenkins.plugins.servicenowflashduty.simulator.fault;

import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault bound to requests: a method ({@code *} for any) and a path prefix, for the next
 * {@code times} matching requests (negative: every one).
 */
public final class FaultRule {
    private final String method;
    private final String pathPrefix;
    private final Fault fault;
    private final AtomicInteger remaining;

    public FaultRule(String method, String pathPrefix, Fault fault, int times) {
        this.method = Text.blank(method) ? "*" : method.toUpperCase(Locale.ROOT);
        this.pathPrefix = Text.blank(pathPrefix) ? "/" : pathPrefix;
        this.fault = fault;
        this.remaining = new AtomicInteger(times);
    }

    /** Claims one use of this rule for the request, if it matches and has uses left. */
    boolean claim(String requestMethod, String path) {
        if (!method.equals("*") && !method.equals(requestMethod)) {
            return false;
        }
        if (!path.startsWith(pathPrefix)) {
            return false;
        }
        while (true) {
            int left = remaining.get();
            if (left == 0) {
                return false;
            }
            if (left < 0 || remaining.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }

    public String method() {
        return method;
    }

    public String pathPrefix() {
        return pathPrefix;
    }

    public Fault fault() {
        return fault;
    }

    /** Uses left; negative means unlimited. */
    public int remaining() {
        return remaining.get();
    }

    @Override
    public String toString() {
        return method + " " + pathPrefix + " " + fault + (remaining.get() < 0 ? "" : " times=" + remaining.get());
    }
}
