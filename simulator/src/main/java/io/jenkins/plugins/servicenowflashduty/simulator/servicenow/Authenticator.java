package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** Works out who a request acts as: Basic auth, an OAuth bearer token, or an API key. */
final class Authenticator {
    private final ServiceNowInstance instance;
    private final OAuthTokens tokens;

    Authenticator(ServiceNowInstance instance, OAuthTokens tokens) {
        this.instance = instance;
        this.tokens = tokens;
    }

    Actor authenticate(Request request) {
        Optional<String> apiKey = request.header("x-sn-apikey").or(() -> request.param("x-sn-apikey"));
        if (apiKey.isPresent()) {
            return tokens.userForApiKey(apiKey.get()).map(instance::actor).orElseThrow(SnErrors::unauthenticated);
        }
        String auth = request.header("authorization").orElseThrow(SnErrors::unauthenticated).trim();
        String lower = auth.toLowerCase(Locale.ROOT);
        if (lower.startsWith("basic ")) {
            return basic(auth.substring(6).trim());
        }
        if (lower.startsWith("bearer ")) {
            return tokens.userForAccessToken(auth.substring(7).trim()).map(instance::actor).orElseThrow(SnErrors::unauthenticated);
        }
        throw SnErrors.unauthenticated();
    }

    private Actor basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SnErrors.unauthenticated();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw SnErrors.unauthenticated();
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        return instance.account(user)
                .filter(a -> constantTimeEquals(a.password(), password))
                .map(a -> instance.actor(user))
                .orElseThrow(SnErrors::unauthenticated);
    }

    static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
