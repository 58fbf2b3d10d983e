package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Authentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HeaderAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthenticationTest {
    private Simulator sim;

    @BeforeEach
    void start() {
        sim = Simulator.start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private ServiceNowClient client(Authentication auth) {
        return new ServiceNowClient(sim.baseUrl(), true, auth, HttpSettings.defaults("x"));
    }

    private OAuthAuthentication oauth(OAuthAuthentication.Grant grant, String secret, String user, String password) {
        return new OAuthAuthentication(sim.baseUrl(), true, HttpSettings.defaults("x"), ServiceNowSimulator.OAUTH_CLIENT_ID,
                SecretValue.of(secret), grant, user, password == null ? null : SecretValue.of(password));
    }

    private int tokenRequests() {
        return sim.requests().matching("POST", "/oauth_token.do").size();
    }

    @Test
    void clientCredentialsTokenIsCachedAcrossCalls() {
        ServiceNowClient c = client(oauth(OAuthAuthentication.Grant.CLIENT_CREDENTIALS, ServiceNowSimulator.OAUTH_CLIENT_SECRET, null, null));
        for (int i = 0; i < 5; i++) {
            c.create("incident", Map.of("short_description", "via oauth " + i));
        }
        assertEquals(1, tokenRequests());
        assertEquals("jenkins", sim.serviceNow().records("incident").get(0).get("sys_created_by"));
        // the request log never shows the secret or the token
        sim.requests().all().forEach(r -> {
            assertFalse(r.body().contains(ServiceNowSimulator.OAUTH_CLIENT_SECRET), r.body());
            r.headers().getOrDefault("authorization", java.util.List.of()).forEach(h -> assertEquals("***", h));
        });
    }

    @Test
    void anExpiredTokenIsRenewedOnceOn401() {
        ServiceNowClient c = client(oauth(OAuthAuthentication.Grant.PASSWORD, ServiceNowSimulator.OAUTH_CLIENT_SECRET, "jenkins", "jenkins"));
        c.query("incident", TableQuery.all(), 1);
        sim.clock().advance(Duration.ofMinutes(45)); // the server sees the token expired; the client does not know yet
        c.query("incident", TableQuery.all(), 1);
        assertEquals(2, tokenRequests());
        assertEquals(1, sim.requests().matching(r -> r.path().startsWith("/api/") && r.status() == 401).size());
    }

    @Test
    void revokedTokensAreReplacedWithoutFailingTheCall() {
        ServiceNowClient c = client(oauth(OAuthAuthentication.Grant.PASSWORD, ServiceNowSimulator.OAUTH_CLIENT_SECRET, "jenkins", "jenkins"));
        c.query("incident", TableQuery.all(), 1);
        sim.oauth().revokeAccessTokens();
        c.query("incident", TableQuery.all(), 1);
        assertEquals(2, tokenRequests());
    }

    @Test
    void wrongOAuthSecretsAreOneSentence() {
        ServiceNowClient c = client(oauth(OAuthAuthentication.Grant.CLIENT_CREDENTIALS, "wrong-secret", null, null));
        ApiException e = assertThrows(ApiException.class, () -> c.query("incident", TableQuery.all(), 1));
        assertEquals(Problem.BAD_CREDENTIALS, e.problem());
        assertFalse(e.getMessage().contains("wrong-secret"));
        assertEquals("ServiceNow did not grant an OAuth token; check the client ID and secret, and that the instance allows the client"
                + " credentials grant (glide.oauth.inbound.client.credential.grant_type.enabled).", e.getMessage());
        sim.oauth().setClientCredentialsEnabled(false);
        ServiceNowClient disabled = client(oauth(OAuthAuthentication.Grant.CLIENT_CREDENTIALS, ServiceNowSimulator.OAUTH_CLIENT_SECRET, null, null));
        assertEquals(Problem.BAD_CREDENTIALS, assertThrows(ApiException.class, () -> disabled.query("incident", TableQuery.all(), 1)).problem());
    }

    @Test
    void apiKeyAndBearerTokens() {
        assertEquals(0, client(HeaderAuthentication.apiKey(SecretValue.of(ServiceNowSimulator.API_KEY))).query("incident", TableQuery.all(), 1).size());
        assertEquals(Problem.BAD_CREDENTIALS, assertThrows(ApiException.class,
                () -> client(HeaderAuthentication.bearer(SecretValue.of("nope"))).query("incident", TableQuery.all(), 1)).problem());
    }

    @Test
    void incompleteCredentialsAreRefusedUpFront() {
        assertThrows(ApiException.class, () -> oauth(OAuthAuthentication.Grant.PASSWORD, ServiceNowSimulator.OAUTH_CLIENT_SECRET, null, null));
        assertThrows(ApiException.class, () -> oauth(OAuthAuthentication.Grant.CLIENT_CREDENTIALS, " ", null, null));
    }
}
