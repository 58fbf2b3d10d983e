package io.jenkins.plugins.servicenowflashduty.client.delivery;

/**
 * A delivery that waiting will not help (its build is gone, its instance was removed): it is held for an
 * administrator instead of being tried again and again.
 */
public final class Undeliverable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Undeliverable(String sentence) {
        super(sentence);
    }
}
