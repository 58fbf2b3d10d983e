package io.jenkins.plugins.servicenowflashduty.client.http;

import java.util.Arrays;
import java.util.Objects;

/**
 * A password, token or key. Its text is only handed out to build a request; {@link #toString()} never
 * shows it, so a secret that reaches a log or an exception message by mistake stays hidden.
 */
public final class SecretValue {
    private final char[] value;

    private SecretValue(char[] value) {
        this.value = value;
    }

    public static SecretValue of(String value) {
        return new SecretValue(Objects.requireNonNull(value, "secret").toCharArray());
    }

    public static SecretValue of(char[] value) {
        return new SecretValue(value.clone());
    }

    /** The plain text, for putting on the wire. Never log it. */
    public String reveal() {
        return new String(value);
    }

    public boolean isBlank() {
        for (char c : value) {
            if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretValue s && Arrays.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "****";
    }
}
