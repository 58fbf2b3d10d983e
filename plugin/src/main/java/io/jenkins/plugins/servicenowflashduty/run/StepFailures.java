package io.jenkins.plugins.servicenowflashduty.run;

import hudson.AbortException;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.config.ConfigurationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Every failure a step knows of ends the build with its one sentence, never a stack trace. */
public final class StepFailures {
    private StepFailures() {
    }

    /** The work of a step; may fail with the client's or the configuration's sentence. */
    @FunctionalInterface
    public interface Work<T> {
        T run() throws Exception;
    }

    public static <T> T sentences(Work<T> work) throws Exception {
        try {
            return work.run();
        } catch (ApiException | ConfigurationException e) {
            throw new AbortException(e.getMessage());
        }
    }

    /** The failure behind an asynchronous call's wrapper ({@link CompletionException}). */
    public static Exception unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof Exception e) {
            return e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** The sentence of a failure, for callbacks that end a step themselves. */
    public static Throwable asAbort(Throwable t) {
        if (t instanceof ApiException || t instanceof ConfigurationException) {
            return new AbortException(t.getMessage());
        }
        if (t instanceof CompletionException && t.getCause() != null) {
            return asAbort(t.getCause());
        }
        return t;
    }
}
