package io.jenkins.plugins.servicenowflashduty.run;

import hudson.AbortException;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.config.ConfigurationException;

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

    /** The sentence of a failure, for callbacks that end a step themselves. */
    public static Throwable asAbort(Throwable t) {
        if (t instanceof ApiException || t instanceof ConfigurationException) {
            return new AbortException(t.getMessage());
        }
        if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            return asAbort(t.getCause());
        }
        return t;
    }
}
