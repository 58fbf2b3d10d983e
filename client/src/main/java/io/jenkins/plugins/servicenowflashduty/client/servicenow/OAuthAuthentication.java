package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Authentication;
import io.jenkins.plugins.servicenowflashduty.client.http.BaseUrl;
import io.jenkins.plugins.servicenowflashduty.client.http.Body;
import io.jenkins.plugins.servicenowflashduty.client.http.Call;
import io.jenkins.plugins.servicenowflashduty.client.http.Connector;
import io.jenkins.plugins.servicenowflashduty.client.http.HeaderAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpTransport;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.Reply;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * OAuth 2.0 through ServiceNow's {@code /oauth_token.do}: the client-credentials or the password grant.
 * The access token is cached and shared by all builds until a minute before it expires, then renewed
 * (with the refresh token when there is one); a 401 drops it so the next attempt gets a fresh one.
 * Getting a token blocks the calling request for at most one token request's retry deadline.
 */
public final class OAuthAuthentication implements Authentication {
    private static final Duration EARLY = Duration.ofSeconds(60);

    /** Which OAuth grant to use. */
    public enum Grant { CLIENT_CREDENTIALS, PASSWORD }

    private final HttpTransport tokenEndpoint;
    private final String clientId;
    private final SecretValue clientSecret;
    private final Grant grant;
    private final String userName;
    private final SecretValue password;
    private final Clock clock;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private Token token;
    /** The token request under way, guarded by {@link #lock}. */
    private CompletableFuture<Token> inFlight;

    private record Token(SecretValue access, SecretValue refresh, Instant expiresAt) {
    }

    /**
     * @param userName and {@code password}: only for the password grant
     */
    public OAuthAuthentication(String instanceUrl, boolean allowPlainHttp, HttpSettings settings, String clientId, SecretValue clientSecret,
                               Grant grant, String userName, SecretValue password) {
        this(new HttpTransport(BaseUrl.parse(instanceUrl, allowPlainHttp), settings.withServiceName("ServiceNow"), Authentication.NONE),
                clientId, clientSecret, grant, userName, password, Clock.systemUTC());
    }

    OAuthAuthentication(HttpTransport tokenEndpoint, String clientId, SecretValue clientSecret, Grant grant, String userName,
                        SecretValue password, Clock clock) {
        if (clientId == null || clientId.isBlank() || clientSecret == null || clientSecret.isBlank()) {
            throw invalidInput("The OAuth client ID or secret is empty; check the OAuth credential.");
        }
        if (grant == Grant.PASSWORD && (userName == null || userName.isBlank() || password == null)) {
            throw invalidInput("The OAuth password grant needs a user name and password; check the credential.");
        }
        // the client ID is stripped as before, so only a control character inside it is refused
        SecretValue.requireSendable("client ID of the OAuth credential", clientId.strip());
        clientSecret.requireSendable("client secret of the OAuth credential");
        if (grant == Grant.PASSWORD) {
            SecretValue.requireSendable("user name of the credential", userName);
            password.requireSendable("password of the credential");
        }
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId.strip();
        this.clientSecret = clientSecret;
        this.grant = grant;
        this.userName = userName;
        this.password = password;
        this.clock = clock;
    }

    @Override
    public void prepare(Connector connector, String host) {
        if (connector.dropsAuthorization()) {
            throw HeaderAuthentication.bearerBehindProxy();
        }
    }

    @Override
    public void apply(HttpRequest.Builder request) {
        request.header("Authorization", "Bearer " + current().reveal());
    }

    /** The client secret, the password, and the tokens held now. */
    @Override
    public List<SecretValue> secrets() {
        List<SecretValue> secrets = new ArrayList<>();
        secrets.add(clientSecret);
        if (password != null) {
            secrets.add(password);
        }
        synchronized (lock) {
            if (token != null) {
                if (token.access() != null) {
                    secrets.add(token.access());
                }
                if (token.refresh() != null) {
                    secrets.add(token.refresh());
                }
            }
        }
        return secrets;
    }

    @Override
    public boolean renew() {
        synchronized (lock) {
            if (token != null) {
                token = new Token(null, token.refresh(), Instant.MIN);
            }
        }
        return true;
    }

    /**
     * The cached access token, or a new one. The token request runs without holding the lock: builds that
     * need a token meanwhile wait for that one request (interruptibly), and nothing else waits on the network.
     */
    @Override
    public boolean appliesWithoutWaiting() {
        synchronized (lock) {
            return token != null && token.access() != null && clock.instant().plus(EARLY).isBefore(token.expiresAt());
        }
    }

    private SecretValue current() {
        CompletableFuture<Token> pending;
        Token previous;
        boolean mine = false;
        synchronized (lock) {
            if (token != null && token.access() != null && clock.instant().plus(EARLY).isBefore(token.expiresAt())) {
                return token.access();
            }
            if (inFlight == null) {
                inFlight = new CompletableFuture<>();
                mine = true;
            }
            pending = inFlight;
            previous = token;
        }
        if (mine) {
            try {
                Token fresh = fetch(previous);
                synchronized (lock) {
                    token = fresh;
                    inFlight = null;
                }
                pending.complete(fresh);
            } catch (RuntimeException e) {
                synchronized (lock) {
                    inFlight = null;
                }
                pending.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return pending.get().access();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(Problem.INTERRUPTED, 0, "Interrupted while waiting for an OAuth token from ServiceNow.", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw new ApiException(api.problem(), api.status(), api.getMessage(), api);
            }
            // not a failure the client knows: its message might quote the token answer, so only its kind is told
            throw new ApiException(Problem.UNEXPECTED_RESPONSE, 0, "Getting an OAuth token from ServiceNow failed unexpectedly ("
                    + e.getCause().getClass().getSimpleName() + "); please report it.", e.getCause());
        }
    }

    /** A token by refresh when there is a refresh token, else by the configured grant. Network; no lock held. */
    private Token fetch(Token previous) {
        if (previous != null && previous.refresh() != null) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", previous.refresh().reveal());
            Token refreshed = request(form, false, previous);
            if (refreshed != null) {
                return refreshed;
            }
        }
        Map<String, String> form = new LinkedHashMap<>();
        if (grant == Grant.PASSWORD) {
            form.put("grant_type", "password");
            form.put("username", userName);
            form.put("password", password.reveal());
        } else {
            form.put("grant_type", "client_credentials");
        }
        return request(form, true, previous);
    }

    /** Asks for a token; a failed refresh returns null so the full grant is tried instead. */
    private Token request(Map<String, String> grantFields, boolean mustSucceed, Token previous) {
        Map<String, String> form = new LinkedHashMap<>(grantFields);
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret.reveal());
        String body = form.entrySet().stream()
                .map(e -> ServiceNowClient.enc(e.getKey()) + "=" + ServiceNowClient.enc(e.getValue()))
                .collect(Collectors.joining("&"));
        Call call = new Call("POST", "/oauth_token.do", Map.of("Content-Type", "application/x-www-form-urlencoded",
                "Accept", "application/json"), Body.of(body.getBytes(StandardCharsets.UTF_8)), Call.Repeat.SAFE).unauthenticated();
        Reply reply = tokenEndpoint.send(call);
        if (!reply.ok()) {
            if (!mustSucceed) {
                return null;
            }
            if (reply.status() == 401 || reply.status() == 400) {
                throw new ApiException(Problem.BAD_CREDENTIALS, reply.status(), grant == Grant.PASSWORD
                        ? "ServiceNow did not grant an OAuth token; check the client ID and secret and the user's name and password."
                        : "ServiceNow did not grant an OAuth token; check the client ID and secret, and that the instance allows the"
                        + " client credentials grant (glide.oauth.inbound.client.credential.grant_type.enabled).");
            }
            throw ServiceNowErrors.of(reply, "issue an OAuth token", tokenEndpoint.baseUrl().host());
        }
        try {
            JsonNode json = io.jenkins.plugins.servicenowflashduty.client.http.Json.MAPPER.readTree(reply.body());
            String access = json.path("access_token").asText("");
            if (access.isEmpty()) {
                throw ServiceNowErrors.unexpected(reply.status(), tokenEndpoint.baseUrl().host());
            }
            long seconds = json.path("expires_in").asLong(1800);
            String refresh = json.path("refresh_token").asText("");
            SecretValue keptRefresh = !refresh.isEmpty() ? SecretValue.of(refresh) : previous == null ? null : previous.refresh();
            return new Token(SecretValue.of(access), keptRefresh, clock.instant().plusSeconds(seconds));
        } catch (IOException e) {
            throw ServiceNowErrors.unexpected(reply.status(), tokenEndpoint.baseUrl().host());
        }
    }

    @Override
    public String toString() {
        return "OAuth " + grant + " client " + clientId;
    }
}
