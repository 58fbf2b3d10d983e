package io.jenkins.plugins.servicenowflashduty.client.http;

/**
 * A failed call, told in one sentence that says what to do. The message never holds a secret; the
 * plugin shows it as is (in a build, as the text of an {@code AbortException}).
 */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Problem problem;
    private final int status;

    public ApiException(Problem problem, int status, String message) {
        super(message);
        this.problem = problem;
        this.status = status;
    }

    public ApiException(Problem problem, int status, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
        this.status = status;
    }

    /** Bad input caught before anything was sent: {@link Problem#INVALID_INPUT}, no HTTP status. */
    public static ApiException invalidInput(String sentence) {
        return new ApiException(Problem.INVALID_INPUT, 0, sentence);
    }

    public Problem problem() {
        return problem;
    }

    /** The HTTP status, or 0 when there was no answer. */
    public int status() {
        return status;
    }
}
