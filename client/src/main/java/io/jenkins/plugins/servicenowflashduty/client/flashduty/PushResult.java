package io.jenkins.plugins.servicenowflashduty.client.flashduty;

/**
 * What Flashduty answered to an accepted push.
 *
 * @param alertKey the key the event was filed under
 * @param requestId Flashduty's request id, for support
 */
public record PushResult(String alertKey, String requestId) {
}
