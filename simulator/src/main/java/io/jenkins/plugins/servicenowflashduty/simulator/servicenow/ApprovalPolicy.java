package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.time.Duration;
import java.util.Locale;

/**
 * How the simulated change approvers answer a change that waits for approval.
 *
 * @param decision {@code approved}, {@code rejected} or {@code never}
 * @param afterPolls answer once the change was read this many times while waiting (0: not counted)
 * @param after answer once the change has waited this long (zero: not counted)
 */
public record ApprovalPolicy(String decision, int afterPolls, Duration after) {

    public static ApprovalPolicy approveAfterPolls(int polls) {
        return new ApprovalPolicy("approved", polls, Duration.ZERO);
    }

    public static ApprovalPolicy approveAfter(Duration wait) {
        return new ApprovalPolicy("approved", 0, wait);
    }

    public static ApprovalPolicy rejectAfterPolls(int polls) {
        return new ApprovalPolicy("rejected", polls, Duration.ZERO);
    }

    /** Nobody answers; only an explicit approval through the API (or the control endpoint) moves the change. */
    public static ApprovalPolicy never() {
        return new ApprovalPolicy("never", 0, Duration.ZERO);
    }

    /**
     * Parses {@code approve-after-polls:N}, {@code approve-after-seconds:N}, {@code reject-after-polls:N},
     * {@code reject-after-seconds:N} or {@code never}.
     */
    public static ApprovalPolicy parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("never")) {
            return never();
        }
        String[] parts = t.split(":", 2);
        if (parts.length == 2) {
            try {
                int n = Integer.parseInt(parts[1]);
                if (n >= 0) {
                    switch (parts[0]) {
                        case "approve-after-polls": return approveAfterPolls(n);
                        case "approve-after-seconds": return approveAfter(Duration.ofSeconds(n));
                        case "reject-after-polls": return rejectAfterPolls(n);
                        case "reject-after-seconds": return new ApprovalPolicy("rejected", 0, Duration.ofSeconds(n));
                        default: break;
                    }
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("Unknown approval policy '" + text
                + "'; use approve-after-polls:N, approve-after-seconds:N, reject-after-polls:N, reject-after-seconds:N or never.");
    }

    /** Whether the approvers answer now, given how long and how often the change has been watched. */
    boolean answersNow(int polls, Duration waited) {
        if (decision.equals("never")) {
            return false;
        }
        if (afterPolls > 0) {
            return polls >= afterPolls;
        }
        return waited.compareTo(after) >= 0;
    }

    @Override
    public String toString() {
        if (decision.equals("never")) {
            return "never";
        }
        String verb = decision.equals("approved") ? "approve" : "reject";
        return afterPolls > 0 ? verb + "-after-polls:" + afterPolls : verb + "-after-seconds:" + after.toSeconds();
    }
}
