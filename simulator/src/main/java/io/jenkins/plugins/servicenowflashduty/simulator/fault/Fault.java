package io.jenkins.plugins.servicenowflashduty.simulator.fault;

import java.time.Duration;

/**
 * What goes wrong with a matching request.
 *
 * <p>{@code afterProcessing} faults let the request take effect first and only then fail the answer:
 * the case where a client cannot tell whether its create reached the server.
 *
 * @param status status to answer instead of the real one, or 0 to keep the real answer
 * @param retryAfterSeconds value of {@code Retry-After} on that answer, or -1 for none
 * @param delay how long to wait before answering
 * @param drop close the connection without any answer
 * @param afterProcessing apply the fault after the request took effect instead of before
 * @param stallBody send the headers and half the body, then stall this long before the rest (a server or proxy
 *     that hangs mid-answer); zero for none
 */
public record Fault(int status, int retryAfterSeconds, Duration delay, boolean drop, boolean afterProcessing, Duration stallBody) {

    public Fault {
        delay = delay == null ? Duration.ZERO : delay;
        stallBody = stallBody == null ? Duration.ZERO : stallBody;
    }

    public Fault(int status, int retryAfterSeconds, Duration delay, boolean drop, boolean afterProcessing) {
        this(status, retryAfterSeconds, delay, drop, afterProcessing, Duration.ZERO);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (status > 0) {
            s.append("status=").append(status).append(' ');
        }
        if (retryAfterSeconds >= 0) {
            s.append("retry-after=").append(retryAfterSeconds).append(' ');
        }
        if (!delay.isZero()) {
            s.append("delay=").append(delay.toMillis()).append("ms ");
        }
        if (drop) {
            s.append("drop ");
        }
        if (afterProcessing) {
            s.append("after-processing ");
        }
        if (!stallBody.isZero()) {
            s.append("stall-body=").append(stallBody.toMillis()).append("ms ");
        }
        return s.toString().trim();
    }
}
