package io.jenkins.plugins.servicenowflashduty.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.servicenow.OAuthAuthentication;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transport's second line of defence: whatever fails while a request is built or sent comes out as an
 * {@link ApiException} whose message, causes and printed stack trace show no secret of the authentication or the call.
 */
class SecretMaskTest {
    private static final String SECRET = "s3cret-that-must-not-show";

    private Simulator sim;

    @BeforeEach
    void start() {
        sim = Simulator.start();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpTransport transport(Authentication authentication) {
        return new HttpTransport(BaseUrl.parse(sim.baseUrl(), true), HttpSettings.defaults("ServiceNow").withSleeper(new RecordingSleeper()),
                authentication);
    }

    /** An authentication that declares its secret but puts it, line break inside, where the JDK refuses it. */
    private static final class CarelessAuthentication implements Authentication {
        private final String headerValue;

        CarelessAuthentication(String headerValue) {
            this.headerValue = headerValue;
        }

        @Override
        public void apply(HttpRequest.Builder request) {
            request.header("Authorization", headerValue);
        }

        @Override
        public List<SecretValue> secrets() {
            return List.of(SecretValue.of(SECRET));
        }
    }

    /** The message of the failure and of each cause, and the whole printed stack trace, without any of the texts. */
    private static void showsNone(ApiException e, String... texts) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        for (String text : texts) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains(text), t.getMessage());
                assertFalse(t.toString().contains(text), t.toString());
            }
            assertFalse(trace.toString().contains(text), trace.toString());
        }
    }

    @Test
    void aSecretTheJdkRefusesInAHeaderBecomesOneSentenceWithoutIt() {
        // without the transport's guard, HttpRequest.Builder.header throws "invalid header value: "Bearer s3cret...""
        HttpTransport t = transport(new CarelessAuthentication("Bearer " + SECRET + "\nX-Injected: 1"));
        ApiException e = assertThrows(ApiException.class, () -> t.send(Call.get("/api/now/table/incident")));
        assertEquals(Problem.INVALID_INPUT, e.problem());
        assertEquals(0, e.status());
        assertEquals("The request to ServiceNow at 127.0.0.1 could not be sent (IllegalArgumentException); check the credential and the URL.",
                e.getMessage());
        showsNone(e, SECRET);
        // what the JDK said stays readable, its kind and where it was thrown too, without the secret
        assertEquals("java.lang.IllegalArgumentException: invalid header value: \"Bearer ****\nX-Injected: 1\"", e.getCause().getMessage());
        assertTrue(e.getCause().getStackTrace().length > 0);
        assertEquals(0, sim.requests().all().size());
        // the same through attempt, which calls that must act once use
        ApiException once = assertThrows(ApiException.class, () -> t.attempt(Call.json("POST", "/api/now/table/incident",
                new byte[] {'{', '}'}, Call.Repeat.ONCE), t.begin()));
        assertEquals(e.getMessage(), once.getMessage());
        showsNone(once, SECRET);
    }

    @Test
    void aSecretInAFailureAndItsCausesIsMaskedEvenInThePrintedStackTrace() {
        String spaced = " a secret/with+odd chars ";
        Authentication leaky = new Authentication() {
            @Override
            public void apply(HttpRequest.Builder request) {
                IllegalStateException inner = new IllegalStateException("token " + SECRET + " and " + java.net.URLEncoder.encode(
                        spaced, java.nio.charset.StandardCharsets.UTF_8));
                throw new ApiException(Problem.BAD_CREDENTIALS, 401, "refused " + SECRET + " / " + spaced.strip(),
                        new RuntimeException("wrapped " + SECRET, inner));
            }

            @Override
            public List<SecretValue> secrets() {
                return List.of(SecretValue.of(SECRET), SecretValue.of(spaced));
            }
        };
        ApiException e = assertThrows(ApiException.class, () -> transport(leaky).send(Call.get("/api/now/table/incident")));
        assertEquals(Problem.BAD_CREDENTIALS, e.problem());
        assertEquals(401, e.status());
        assertEquals("refused **** / ****", e.getMessage());
        showsNone(e, SECRET, "secret/with", "secret%2Fwith");
        // the causes keep their kind and where they were thrown
        Throwable cause = e.getCause();
        assertNotNull(cause);
        assertEquals("java.lang.RuntimeException: wrapped ****", cause.getMessage());
        assertTrue(cause.getStackTrace().length > 0);
        assertEquals("java.lang.IllegalStateException: token **** and ****", cause.getCause().getMessage());
        assertTrue(e.getStackTrace().length > 0);
    }

    @Test
    void theSecretParameterOfTheCallIsMaskedToo() {
        Call call = Call.get("/event/push/alert/standard").withHeader("X-Echo", SECRET + "\n")
                .withSecretParameter("integration_key", SecretValue.of(SECRET));
        ApiException e = assertThrows(ApiException.class, () -> transport(Authentication.NONE).send(call));
        assertEquals("The request to ServiceNow at 127.0.0.1 could not be sent (IllegalArgumentException); check the credential and the URL.",
                e.getMessage());
        showsNone(e, SECRET);
    }

    @Test
    void masksEachSecretAsItIsStrippedAndUrlEncoded() {
        SecretMask mask = SecretMask.of(List.of(SecretValue.of(" a b/c+d\n"), SecretValue.of("k3y")));
        assertEquals("[****] [****] [****] [****] [****]", mask.mask("[ a b/c+d\n] [a b/c+d] [a+b%2Fc%2Bd] [+a+b%2Fc%2Bd%0A] [k3y]"));
        assertEquals("no secret here", mask.mask("no secret here"));
        assertEquals(null, mask.mask(null));
        // blank secrets mask nothing (they would match everywhere)
        assertEquals("a b", SecretMask.of(List.of(SecretValue.of(" "))).mask("a b"));
    }

    private static List<String> revealed(Authentication authentication) {
        return authentication.secrets().stream().map(SecretValue::reveal).toList();
    }

    @Test
    void eachAuthenticationNamesTheSecretsItSends() {
        assertEquals(List.of("pa55", "amVua2luczpwYTU1"), revealed(new BasicAuthentication("jenkins", SecretValue.of("pa55"))));
        assertEquals(List.of(SECRET), revealed(HeaderAuthentication.apiKey(SecretValue.of(SECRET))));
        assertEquals(List.of(SECRET), revealed(HeaderAuthentication.bearer(SecretValue.of(SECRET))));
        assertEquals(List.of(), Authentication.NONE.secrets());
        OAuthAuthentication oauth = new OAuthAuthentication(sim.baseUrl(), true, HttpSettings.defaults("x"), ServiceNowSimulator.OAUTH_CLIENT_ID,
                SecretValue.of(ServiceNowSimulator.OAUTH_CLIENT_SECRET), OAuthAuthentication.Grant.PASSWORD, "jenkins", SecretValue.of("jenkins"));
        assertEquals(List.of(ServiceNowSimulator.OAUTH_CLIENT_SECRET, "jenkins"), revealed(oauth));
        transport(oauth).send(Call.get("/api/now/table/incident?sysparm_limit=1"));
        List<String> withTokens = revealed(oauth);
        assertTrue(withTokens.size() >= 3, withTokens.toString()); // the access token, and the refresh token when one came
        assertTrue(withTokens.subList(2, withTokens.size()).stream().allMatch(t -> t.length() > 8), withTokens.toString());
    }
}
