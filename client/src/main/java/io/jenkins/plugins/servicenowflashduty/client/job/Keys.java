package io.jenkins.plugins.servicenowflashduty.client.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * De-duplication keys (incident correlation ids, alert keys) and texts cut to a service's column size,
 * never between the two halves of a surrogate pair.
 */
public final class Keys {
    private Keys() {
    }

    /**
     * The key itself when it fits; otherwise its start and a hash of the whole, so a long job name still
     * gives one stable key that no other job shares.
     */
    public static String shorten(String key, int max) {
        if (key.length() <= max) {
            return key;
        }
        String hash = sha256(key).substring(0, 16);
        return keepStart(key, max - hash.length() - 1) + "#" + hash;
    }

    /** At most {@code max} chars from the start of {@code s}. */
    public static String keepStart(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isLowSurrogate(s.charAt(end)) && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** At most {@code max} chars from the end of {@code s}: where names are told apart by their last part. */
    public static String keepEnd(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int start = s.length() - max;
        if (Character.isLowSurrogate(s.charAt(start)) && Character.isHighSurrogate(s.charAt(start - 1))) {
            start++;
        }
        return s.substring(start);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
