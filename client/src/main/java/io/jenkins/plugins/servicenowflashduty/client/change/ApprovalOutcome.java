package io.jenkins.plugins.servicenowflashduty.client.change;

/**
 * How a wait for approval ended.
 *
 * @param state the change's state when the wait ended (null when it ended before any answer)
 * @param message one sentence for the build log
 */
public record ApprovalOutcome(Result result, String number, ChangeState state, String message) {

    /** The ways a wait ends. */
    public enum Result {
        APPROVED,
        REJECTED,
        /** The change was canceled, closed or deleted while waiting. */
        CANCELLED,
        TIMED_OUT,
        /** This build stopped waiting (it was aborted); the change itself was not touched. */
        STOPPED
    }

    public boolean approved() {
        return result == Result.APPROVED;
    }
}
