package io.jenkins.plugins.servicenowflashduty.client.change;

/**
 * How a wait for approval ended.
 *
 * @param state the change's state when the wait ended (null when timed out before any answer)
 * @param message one sentence for the build log
 */
public record ApprovalOutcome(Result result, String number, ChangeState state, String message) {

    /** The four ways a wait ends. */
    public enum Result { APPROVED, REJECTED, CANCELLED, TIMED_OUT }

    public boolean approved() {
        return result == Result.APPROVED;
    }
}
