package io.jenkins.plugins.servicenowflashduty.config;

/** A configuration a step cannot use (no such instance, a missing or unfitting credential), told in one sentence. */
public final class ConfigurationException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigurationException(String sentence) {
        super(sentence);
    }
}
