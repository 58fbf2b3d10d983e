package io.jenkins.plugins.servicenowflashduty.client.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.flashduty.AlertEvent;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.EventStatus;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.OAuthAuthentication;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every type that holds a secret shows it as nothing but stars, wherever it is printed. */
class SecretsStayHiddenTest {
    private static final String KEY = "k3y-that-must-not-show";
    private static final String PASSWORD = "pa55-that-must-not-show";

    private static void hidden(Object o) {
        String s = String.valueOf(o);
        assertFalse(s.contains(KEY) || s.contains(PASSWORD), s);
    }

    @Test
    void noTypeHoldingASecretPrintsIt() {
        SecretValue key = SecretValue.of(KEY);
        hidden(key);
        Call call = Call.json("POST", "/event/push/alert/standard", "{}".getBytes(StandardCharsets.UTF_8), Call.Repeat.SAFE)
                .withSecretParameter("integration_key", key);
        hidden(call);
        hidden(call.pathAndQuery());
        hidden(call.path());
        assertTrue(call.wirePathAndQuery().endsWith("integration_key=" + KEY)); // only the wire sees it
        hidden(new BasicAuthentication("jenkins", SecretValue.of(PASSWORD)));
        hidden(HeaderAuthentication.apiKey(SecretValue.of(KEY)));
        hidden(HeaderAuthentication.bearer(SecretValue.of(KEY)));
        hidden(new OAuthAuthentication("https://acme.service-now.com", false, HttpSettings.defaults("ServiceNow"), "client",
                SecretValue.of(KEY), OAuthAuthentication.Grant.PASSWORD, "jenkins", SecretValue.of(PASSWORD)));
        hidden(new FlashdutyClient("https://api.flashcat.cloud", false, key, HttpSettings.defaults("Flashduty")));
        hidden(HttpSettings.defaults("ServiceNow"));
        hidden(Body.of(PASSWORD.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theFlashdutyKeyReachesNoListenerEventAndNoSentence() {
        try (Simulator sim = Simulator.start()) {
            List<RequestEvent> events = new CopyOnWriteArrayList<>();
            HttpSettings settings = HttpSettings.defaults("Flashduty").withSleeper(new RecordingSleeper()).withListener(events::add);
            FlashdutyClient good = new FlashdutyClient(sim.baseUrl(), true, SecretValue.of(FlashdutySimulator.INTEGRATION_KEY), settings);
            good.push(AlertEvent.of(EventStatus.CRITICAL, "t", "", "jenkins:x", Map.of()));
            FlashdutyClient bad = new FlashdutyClient(sim.baseUrl(), true, SecretValue.of(KEY), settings);
            ApiException e = assertThrows(ApiException.class, () -> bad.push(AlertEvent.of(EventStatus.CRITICAL, "t", "", "jenkins:x", Map.of())));
            hidden(e.getMessage());
            assertEquals(Problem.BAD_CREDENTIALS, e.problem());
            events.forEach(SecretsStayHiddenTest::hidden);
            events.forEach(ev -> assertFalse(ev.toString().contains(FlashdutySimulator.INTEGRATION_KEY), ev.toString()));
            assertEquals(2, events.size());
        }
    }
}
