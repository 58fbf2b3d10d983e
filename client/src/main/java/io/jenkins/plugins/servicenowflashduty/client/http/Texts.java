package io.jenkins.plugins.servicenowflashduty.client.http;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/** The small text checks, wordings and random identifiers every operation needs, in one place. */
public final class Texts {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Texts() {
    }

    /** A length of time for people: {@code 2 h 5 min}, {@code 3 min 12 s}, {@code 40 s}. */
    public static String duration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? s / 3600 + " h " + s % 3600 / 60 + " min" : s >= 60 ? s / 60 + " min " + s % 60 + " s" : s + " s";
    }

    /** Null, empty or only whitespace: the way every step parameter left out arrives. */
    public static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** {@code bytes} random bytes as lower-case hex; 16 bytes make a ServiceNow sys_id. */
    public static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
