package io.jenkins.plugins.servicenowflashduty.client.flashduty;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Authentication;
import io.jenkins.plugins.servicenowflashduty.client.http.BaseUrl;
import io.jenkins.plugins.servicenowflashduty.client.http.Call;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestRate;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpTransport;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.RequestListener;
import io.jenkins.plugins.servicenowflashduty.client.http.RetryPolicy;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Pushes change events to one Flashduty custom change integration, at the push URL its console gives. That URL holds
 * the integration's key (in {@code integration_key}), so it is kept as a secret and only its host and path are ever
 * shown; its path is taken as given, never assumed. Retried like alerts: a repeated event of the same change and
 * status only repeats what Flashduty already shows.
 */
public final class FlashdutyChangeEvents {
    static final String KEY_PARAMETER = "integration_key";

    private final HttpTransport transport;
    private final String path;
    private final SecretValue key;

    /**
     * @param pushUrl the push URL from Flashduty's console, e.g. {@code https://api.flashcat.cloud/event/push/change/standard?integration_key=...}
     * @param allowPlainHttp accept {@code http://} (a local sandbox)
     */
    public FlashdutyChangeEvents(SecretValue pushUrl, boolean allowPlainHttp, HttpSettings settings) {
        if (pushUrl == null || pushUrl.isBlank()) {
            throw invalidInput("The Flashduty change push URL is empty; paste the push URL of the custom change integration into the credential.");
        }
        URI uri;
        try {
            uri = new URI(pushUrl.reveal().strip());
        } catch (URISyntaxException e) {
            throw invalidInput("The Flashduty change push URL in the credential is not a URL; paste it as Flashduty's console shows it.");
        }
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        String keyValue = null;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(KEY_PARAMETER)) {
                keyValue = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        if (keyValue == null || keyValue.isBlank() || uri.getRawPath() == null || uri.getRawPath().length() <= 1) {
            throw invalidInput("The Flashduty change push URL in the credential has no path or no integration_key; paste the whole push URL "
                    + "of the custom change integration, as Flashduty's console shows it.");
        }
        SecretValue.requireSendable("Flashduty change push URL", keyValue);
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        BaseUrl base = BaseUrl.parse(origin, allowPlainHttp, FlashdutyClient.DEFAULT_API_URL);
        this.transport = new HttpTransport(base, settings.withServiceName("Flashduty").withRetryStatuses(Set.of(429, 500, 502, 503, 504))
                .withRequestRate(RequestRate.flashduty()),
                Authentication.NONE);
        this.path = uri.getRawPath();
        this.key = SecretValue.of(keyValue);
    }

    private FlashdutyChangeEvents(HttpTransport transport, String path, SecretValue key) {
        this.transport = transport;
        this.path = path;
        this.key = key;
    }

    public FlashdutyChangeEvents withListener(RequestListener listener) {
        return new FlashdutyChangeEvents(transport.withListener(listener), path, key);
    }

    /** Whether events wait for their turn under Flashduty's rate (or a pause it asked for) rather than being on their way. */
    public boolean holdsEventsBack() {
        return transport.holdsRequestsBack();
    }

    public FlashdutyChangeEvents withRetry(RetryPolicy policy) {
        return new FlashdutyChangeEvents(transport.withRetry(policy), path, key);
    }

    /**
     * Sends one event.
     *
     * @throws ApiException with one sentence: bad key, rate limited, refused event, unreachable...
     */
    public void push(ChangeEvent event) {
        FlashdutyReplies.data(transport.send(call(event)), "change event", "custom change", transport.baseUrl() + path);
    }

    /**
     * {@link #push} without holding a thread while the request (and its retries, on timers) is on its way: a
     * Flashduty that is down keeps no deployment's thread.
     */
    public CompletableFuture<Void> pushAsync(ChangeEvent event) {
        return transport.sendAsync(call(event))
                .thenAccept(reply -> FlashdutyReplies.data(reply, "change event", "custom change", transport.baseUrl() + path));
    }

    private Call call(ChangeEvent event) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("change_key", event.changeKey());
        body.put("change_status", event.status().wire());
        body.put("title", event.title());
        if (event.eventTime() != null) {
            body.put("event_time", event.eventTime().getEpochSecond());
        }
        if (!event.description().isEmpty()) {
            body.put("description", event.description());
        }
        if (!event.link().isEmpty()) {
            body.put("link", event.link());
        }
        if (!event.labels().isEmpty()) {
            ObjectNode labels = body.putObject("labels");
            event.labels().forEach(labels::put);
        }
        return Call.json("POST", path, Json.bytes(body), Call.Repeat.SAFE).withSecretParameter(KEY_PARAMETER, key);
    }

    /** Names the endpoint, never the key. */
    @Override
    public String toString() {
        return "FlashdutyChangeEvents[" + transport.baseUrl() + path + "]";
    }
}
