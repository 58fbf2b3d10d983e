package io.jenkins.plugins.servicenowflashduty.client.http;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The small text checks and random identifiers every operation needs, in one place. */
public final class Texts {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Texts() {
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
