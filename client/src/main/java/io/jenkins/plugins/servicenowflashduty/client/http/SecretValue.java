package io.jenkins.plugins.servicenowflashduty.client.http;

import java.nio.CharBuffer;
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

    /**
     * Why this text cannot go into a request, or null when it can: {@code "ends in a line break"} (a key pasted
     * with its newline) or {@code "holds a control character"}. The JDK refuses such text in a header with an
     * exception that quotes it, and elsewhere the server would only answer that the credential is wrong. The
     * reason never holds the text.
     */
    public String unsendable() {
        return unsendable(CharBuffer.wrap(value));
    }

    /**
     * The same rule for a plain string (a user name, a client ID), for callers that write their own sentence
     * (naming the credential): null when the text is fine or null, else a short reason without the text.
     */
    public static String unsendable(String text) {
        return text == null ? null : unsendable((CharSequence) text);
    }

    private static String unsendable(CharSequence text) {
        int length = text.length();
        char last = length == 0 ? ' ' : text.charAt(length - 1);
        if (last == '\n' || last == '\r') {
            return "ends in a line break";
        }
        for (int i = 0; i < length; i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return "holds a control character";
            }
        }
        return null;
    }

    /**
     * Throws {@link ApiException#invalidInput} with "The {@code part} ends in a line break; remove it from the
     * credential." (or "holds a control character") when this text cannot be sent.
     *
     * @param part what the text is, e.g. "password of the credential"
     */
    public void requireSendable(String part) {
        refuse(part, unsendable());
    }

    /** {@link #requireSendable(String)} for a plain string; null passes (emptiness is checked elsewhere). */
    public static void requireSendable(String part, String text) {
        refuse(part, unsendable(text));
    }

    private static void refuse(String part, String reason) {
        if (reason != null) {
            throw ApiException.invalidInput("The " + part + " " + reason + "; remove it from the credential.");
        }
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
