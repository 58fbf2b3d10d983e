package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Authentication;
import io.jenkins.plugins.servicenowflashduty.client.http.BaseUrl;
import io.jenkins.plugins.servicenowflashduty.client.http.Call;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestRate;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpTransport;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.Reply;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestListener;
import io.jenkins.plugins.servicenowflashduty.client.http.RetryPolicy;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import java.util.Set;

/**
 * Pushes events to one Flashduty standard alert integration. Thread-safe; one per configured integration.
 * A push blocks the calling thread for at most the retry deadline (two minutes by default) plus one
 * request timeout.
 *
 * <p>Pushes are retried on network errors, 429 and 5xx: every event carries an {@code alert_key}, and
 * Flashduty files a repeated event under the same alert (and drops an identical one), so a retry never
 * opens a second alert.
 */
public final class FlashdutyClient {
    /** Flashduty's SaaS API; on-premise installations have their own. */
    public static final String DEFAULT_API_URL = "https://api.flashcat.cloud";
    static final String PUSH_PATH = "/event/push/alert/standard";
    private static final ObjectMapper JSON = Json.MAPPER;

    private final HttpTransport transport;
    private final SecretValue integrationKey;

    /**
     * @param settings timeouts, proxy and retries; the service name is set to "Flashduty"
     * @param allowPlainHttp accept an {@code http://} API URL (a local sandbox)
     */
    public FlashdutyClient(String apiUrl, boolean allowPlainHttp, SecretValue integrationKey, HttpSettings settings) {
        if (integrationKey == null || integrationKey.isBlank()) {
            throw invalidInput("The Flashduty integration key is empty; choose the credential that holds the standard alert integration's key.");
        }
        integrationKey.requireSendable("Flashduty integration key");
        BaseUrl base = BaseUrl.parse(apiUrl == null || apiUrl.isBlank() ? DEFAULT_API_URL : apiUrl, allowPlainHttp, DEFAULT_API_URL);
        // Flashduty's own adapters retry every 5xx; a repeated push is harmless (see above)
        HttpSettings flashduty = settings.withServiceName("Flashduty").withRetryStatuses(Set.of(429, 500, 502, 503, 504))
                .withRequestRate(RequestRate.flashduty());
        this.transport = new HttpTransport(base, flashduty, Authentication.NONE);
        this.integrationKey = integrationKey;
    }

    private FlashdutyClient(HttpTransport transport, SecretValue integrationKey) {
        this.transport = transport;
        this.integrationKey = integrationKey;
    }

    /** The same client, reporting each attempt to a build's log. */
    public FlashdutyClient withListener(RequestListener listener) {
        return new FlashdutyClient(transport.withListener(listener), integrationKey);
    }

    /** The same client, trying each request as the policy says (a queued delivery's shorter patience). */
    public FlashdutyClient withRetry(RetryPolicy policy) {
        return new FlashdutyClient(transport.withRetry(policy), integrationKey);
    }

    /**
     * Sends one event.
     *
     * @throws ApiException with one sentence: bad key, rate limited, refused event, unreachable...
     */
    public PushResult push(AlertEvent event) {
        ObjectNode body = JSON.createObjectNode();
        body.put("event_status", event.status().wire());
        body.put("title_rule", event.title());
        body.put("alert_key", event.alertKey());
        if (!event.description().isEmpty()) {
            body.put("description", event.description());
        }
        if (!event.labels().isEmpty()) {
            ObjectNode labels = body.putObject("labels");
            event.labels().forEach(labels::put);
        }
        byte[] bytes = Json.bytes(body);
        Reply reply = transport.send(Call.json("POST", PUSH_PATH, bytes, Call.Repeat.SAFE)
                .withSecretParameter("integration_key", integrationKey));
        return read(reply, event);
    }

    private PushResult read(Reply reply, AlertEvent event) {
        JsonNode data = FlashdutyReplies.data(reply, "alert", "standard alert", transport.baseUrl().toString());
        String key = data.path("alert_key").asText("");
        return new PushResult(key.isEmpty() ? event.alertKey() : key, FlashdutyReplies.requestId(reply));
    }

    /** Names the endpoint, never the key. */
    @Override
    public String toString() {
        return "FlashdutyClient[" + transport.baseUrl() + "]";
    }
}
