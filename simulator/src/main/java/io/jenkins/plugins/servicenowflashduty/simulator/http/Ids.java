package io.jenkins.plugins.servicenowflashduty.simulator.http;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** The simulator's one source of random identifiers: sys_ids, request ids and bearer tokens. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** 32 lower-case hex digits: a ServiceNow sys_id, a Flashduty request id. */
    public static String hex32() {
        return HexFormat.of().formatHex(bytes(16));
    }

    /** An opaque URL-safe token of 64 characters, like ServiceNow's OAuth tokens. */
    public static String token() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(48));
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }
}
