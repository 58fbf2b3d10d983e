package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import io.jenkins.plugins.servicenowflashduty.simulator.SimClock;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Ids;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** OAuth clients, issued access and refresh tokens, and API keys of the simulated instance. */
public final class OAuthTokens {
    private final SimClock clock;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Issued> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Issued> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, String> apiKeys = new ConcurrentHashMap<>();
    private volatile Duration accessTokenLifetime = Duration.ofSeconds(1800);
    private volatile boolean clientCredentialsEnabled = true;

    record Client(String clientId, String secret, String applicationUser) {
    }

    record Issued(String token, String userName, String clientId, Instant expiresAt) {
    }

    public OAuthTokens(SimClock clock) {
        this.clock = clock;
    }

    /** Registers an OAuth application; client-credentials tokens act as {@code applicationUser}. */
    public void addClient(String clientId, String secret, String applicationUser) {
        clients.put(clientId, new Client(clientId, secret, applicationUser));
    }

    public void addApiKey(String key, String userName) {
        apiKeys.put(key, userName);
    }

    /** How long new access tokens live (1800 s by default, as on a real instance). */
    public void setAccessTokenLifetime(Duration lifetime) {
        this.accessTokenLifetime = lifetime;
    }

    /** The {@code glide.oauth.inbound.client.credential.grant_type.enabled} property. */
    public void setClientCredentialsEnabled(boolean enabled) {
        this.clientCredentialsEnabled = enabled;
    }

    boolean clientCredentialsEnabled() {
        return clientCredentialsEnabled;
    }

    /** Drops every access token, as if they all expired. */
    public void revokeAccessTokens() {
        accessTokens.clear();
    }

    /** How many access tokens have been issued and are still stored. */
    public int issuedAccessTokens() {
        return accessTokens.size();
    }

    Optional<Client> client(String clientId, String secret) {
        Client c = clientId == null ? null : clients.get(clientId);
        if (c == null || secret == null || !Authenticator.constantTimeEquals(c.secret(), secret)) {
            return Optional.empty();
        }
        return Optional.of(c);
    }

    /** Within its lifetime a repeated grant for the same user and client returns the same access token. */
    synchronized Issued issueAccess(String userName, String clientId) {
        Instant now = clock.instant();
        for (Issued i : accessTokens.values()) {
            if (i.userName().equals(userName) && i.clientId().equals(clientId) && i.expiresAt().isAfter(now.plusSeconds(1))) {
                return i;
            }
        }
        Issued issued = new Issued(Ids.token(), userName, clientId, now.plus(accessTokenLifetime));
        accessTokens.put(issued.token(), issued);
        return issued;
    }

    Issued issueRefresh(String userName, String clientId) {
        Issued issued = new Issued(Ids.token(), userName, clientId, clock.instant().plus(Duration.ofDays(100)));
        refreshTokens.put(issued.token(), issued);
        return issued;
    }

    Optional<Issued> refresh(String token, String clientId) {
        Issued i = token == null ? null : refreshTokens.get(token);
        if (i == null || !i.clientId().equals(clientId) || i.expiresAt().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(i);
    }

    Optional<String> userForAccessToken(String token) {
        Issued i = accessTokens.get(token);
        if (i == null || !i.expiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(i.userName());
    }

    Optional<String> userForApiKey(String key) {
        return Optional.ofNullable(apiKeys.get(key));
    }

    long secondsLeft(Issued issued) {
        return Math.max(0, Duration.between(clock.instant(), issued.expiresAt()).toSeconds());
    }
}
