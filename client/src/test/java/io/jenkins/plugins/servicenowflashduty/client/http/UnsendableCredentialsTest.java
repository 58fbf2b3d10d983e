package io.jenkins.plugins.servicenowflashduty.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jenkins.plugins.servicenowflashduty.client.flashduty.AlertEvent;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.EventStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.OAuthAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A credential whose text cannot go into a request (a pasted key with its line break, a control character) is
 * refused with a sentence that names the part and never the text, before anything reaches the server.
 */
class UnsendableCredentialsTest {
    private static final String SECRET = "s3cret-that-must-not-show";
    private static final String LINE_BREAK = "The %s ends in a line break; remove it from the credential.";
    private static final String CONTROL = "The %s holds a control character; remove it from the credential.";

    private Simulator sim;

    @BeforeEach
    void start() {
        sim = Simulator.start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpSettings settings() {
        return HttpSettings.defaults("x").withSleeper(new RecordingSleeper());
    }

    /** Builds a ServiceNow client with the authentication and reads once. */
    private void serviceNowRead(Supplier<Authentication> authentication) {
        new ServiceNowClient(sim.baseUrl(), true, authentication.get(), settings()).query("incident", TableQuery.all(), 1);
    }

    private void flashdutyPush(String key) {
        new FlashdutyClient(sim.baseUrl(), true, SecretValue.of(key), settings())
                .push(AlertEvent.of(EventStatus.CRITICAL, "t", "", "jenkins:x", Map.of()));
    }

    private OAuthAuthentication oauth(OAuthAuthentication.Grant grant, String clientId, String clientSecret, String user, String password) {
        return new OAuthAuthentication(sim.baseUrl(), true, settings(), clientId, SecretValue.of(clientSecret), grant, user,
                password == null ? null : SecretValue.of(password));
    }

    /** Constructing or first use fails with the sentence, which holds no secret, and the server saw nothing. */
    private void refused(String sentence, Runnable use, String... secrets) {
        ApiException e = assertThrows(ApiException.class, use::run);
        assertEquals(Problem.INVALID_INPUT, e.problem());
        assertEquals(0, e.status());
        assertEquals(sentence, e.getMessage());
        for (String secret : secrets) {
            assertFalse(e.getMessage().contains(secret.strip()), e.getMessage());
        }
        assertEquals(0, sim.requests().all().size(), () -> sim.requests().all().toString());
    }

    @Test
    void aBasicPasswordEndingInALineBreakIsRefusedBeforeAnyRequest() {
        refused(String.format(LINE_BREAK, "password of the credential"),
                () -> serviceNowRead(() -> new BasicAuthentication("jenkins", SecretValue.of(SECRET + "\n"))), SECRET);
        refused(String.format(LINE_BREAK, "password of the credential"),
                () -> serviceNowRead(() -> new BasicAuthentication("jenkins", SecretValue.of(SECRET + "\r\n"))), SECRET);
        refused(String.format(LINE_BREAK, "user name of the credential"),
                () -> serviceNowRead(() -> new BasicAuthentication("jenkins\n", SecretValue.of(SECRET))), SECRET);
    }

    @Test
    void aBasicUserNameOrPasswordWithAControlCharacterIsRefused() {
        refused(String.format(CONTROL, "password of the credential"),
                () -> serviceNowRead(() -> new BasicAuthentication("jenkins", SecretValue.of("s3cret\u0000that-must-not-show"))),
                "s3cret", "that-must-not-show");
        refused(String.format(CONTROL, "user name of the credential"),
                () -> serviceNowRead(() -> new BasicAuthentication("jen\tkins", SecretValue.of(SECRET))), SECRET, "kins");
    }

    @Test
    void anApiKeyEndingInALineBreakIsRefusedWithoutShowingIt() {
        // the JDK would refuse the header with the key in its message
        refused(String.format(LINE_BREAK, "API key of the credential"),
                () -> serviceNowRead(() -> HeaderAuthentication.apiKey(SecretValue.of(ServiceNowSimulator.API_KEY + "\n"))),
                ServiceNowSimulator.API_KEY);
        refused(String.format(LINE_BREAK, "token of the credential"),
                () -> serviceNowRead(() -> HeaderAuthentication.bearer(SecretValue.of(SECRET + "\r\n"))), SECRET);
    }

    @Test
    void anApiKeyOrTokenWithAControlCharacterIsRefused() {
        refused(String.format(CONTROL, "API key of the credential"),
                () -> serviceNowRead(() -> HeaderAuthentication.apiKey(SecretValue.of("sandbox\napi-key"))), "sandbox", "api-key");
        refused(String.format(CONTROL, "token of the credential"),
                () -> serviceNowRead(() -> HeaderAuthentication.bearer(SecretValue.of("s3cret\u007fthat-must-not-show"))),
                "s3cret", "that-must-not-show");
    }

    @Test
    void anOAuthClientSecretEndingInALineBreakIsRefusedForBothGrants() {
        refused(String.format(LINE_BREAK, "client secret of the OAuth credential"),
                () -> serviceNowRead(() -> oauth(OAuthAuthentication.Grant.CLIENT_CREDENTIALS, ServiceNowSimulator.OAUTH_CLIENT_ID,
                        ServiceNowSimulator.OAUTH_CLIENT_SECRET + "\n", null, null)), ServiceNowSimulator.OAUTH_CLIENT_SECRET);
        refused(String.format(LINE_BREAK, "client secret of the OAuth credential"),
                () -> serviceNowRead(() -> oauth(OAuthAuthentication.Grant.PASSWORD, ServiceNowSimulator.OAUTH_CLIENT_ID,
                        ServiceNowSimulator.OAUTH_CLIENT_SECRET + "\r\n", "jenkins", "jenkins")), ServiceNowSimulator.OAUTH_CLIENT_SECRET);
        refused(String.format(LINE_BREAK, "password of the credential"),
                () -> serviceNowRead(() -> oauth(OAuthAuthentication.Grant.PASSWORD, ServiceNowSimulator.OAUTH_CLIENT_ID,
                        ServiceNowSimulator.OAUTH_CLIENT_SECRET, "jenkins", SECRET + "\n")), SECRET);
        refused(String.format(LINE_BREAK, "user name of the credential"),
                () -> serviceNowRead(() -> oauth(OAuthAuthentication.Grant.PASSWORD, ServiceNowSimulator.OAUTH_CLIENT_ID,
                        ServiceNowSimulator.OAUTH_CLIENT_SECRET, "jenkins\n", SECRET)), SECRET);
    }

    @Test
    void oAuthCredentialsWithAControlCharacterAreRefusedForBothGrants() {
        refused(String.format(CONTROL, "client secret of the OAuth credential"),
                () -> serviceNowRead(() -> oauth(OAuthAuthentication.Grant.CLIENT_CREDENTIALS, ServiceNowSimulator.OAUTH_CLIENT_ID,
                        "s3cret\u0007that-must-not-show", null, null)), "s3cret", "that-must-not-show");
        refused(String.format(CONTROL, "client ID of the OAuth credential"),
                () -> serviceNowRead(() -> oauth(OAuthAuthentication.Grant.CLIENT_CREDENTIALS, "jenkins\u0000client",
                        ServiceNowSimulator.OAUTH_CLIENT_SECRET, null, null)), ServiceNowSimulator.OAUTH_CLIENT_SECRET);
        refused(String.format(CONTROL, "password of the credential"),
                () -> serviceNowRead(() -> oauth(OAuthAuthentication.Grant.PASSWORD, ServiceNowSimulator.OAUTH_CLIENT_ID,
                        ServiceNowSimulator.OAUTH_CLIENT_SECRET, "jenkins", "s3cret\nthat-must-not-show")), "s3cret", "that-must-not-show");
        refused(String.format(CONTROL, "user name of the credential"),
                () -> serviceNowRead(() -> oauth(OAuthAuthentication.Grant.PASSWORD, ServiceNowSimulator.OAUTH_CLIENT_ID,
                        ServiceNowSimulator.OAUTH_CLIENT_SECRET, "jen\u001bkins", SECRET)), SECRET);
    }

    @Test
    void aFlashdutyKeyEndingInALineBreakIsRefusedBeforeAnyPush() {
        refused(String.format(LINE_BREAK, "Flashduty integration key"), () -> flashdutyPush(SECRET + "\n"), SECRET);
        refused(String.format(LINE_BREAK, "Flashduty integration key"), () -> flashdutyPush(SECRET + "\r\n"), SECRET);
    }

    @Test
    void aFlashdutyKeyWithAControlCharacterIsRefused() {
        refused(String.format(CONTROL, "Flashduty integration key"), () -> flashdutyPush("s3cret\rthat-must-not-show"),
                "s3cret", "that-must-not-show");
        refused(String.format(CONTROL, "Flashduty integration key"), () -> flashdutyPush("s3cret\tthat-must-not-show"),
                "s3cret", "that-must-not-show");
    }

    @Test
    void theReasonIsShortAndNeverTheText() {
        assertEquals("ends in a line break", SecretValue.unsendable(SECRET + "\n"));
        assertEquals("ends in a line break", SecretValue.unsendable(SECRET + "\r\n"));
        assertEquals("ends in a line break", SecretValue.of(SECRET + "\r").unsendable());
        assertEquals("holds a control character", SecretValue.unsendable("s3cret\nthat-must-not-show"));
        assertEquals("holds a control character", SecretValue.unsendable("s3cret\tthat-must-not-show"));
        assertEquals("holds a control character", SecretValue.of("s3cret\u0085\u0000").unsendable());
        assertNull(SecretValue.unsendable(SECRET));
        assertNull(SecretValue.unsendable("p\u00e4ss w\u00f6rd \u2603"));
        assertNull(SecretValue.unsendable(""));
        assertNull(SecretValue.unsendable(null));
        assertNull(SecretValue.of(SECRET).unsendable());
    }

    @Test
    void anOAuthClientIdIsStrippedAsBeforeSoItsLineBreakDoesNoHarm() {
        serviceNowRead(() -> oauth(OAuthAuthentication.Grant.CLIENT_CREDENTIALS, ServiceNowSimulator.OAUTH_CLIENT_ID + "\n",
                ServiceNowSimulator.OAUTH_CLIENT_SECRET, null, null));
        assertEquals(1, sim.requests().matching("POST", "/oauth_token.do").size());
    }
}
