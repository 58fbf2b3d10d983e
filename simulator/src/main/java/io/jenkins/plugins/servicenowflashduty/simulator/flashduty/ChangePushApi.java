package io.jenkins.plugins.servicenowflashduty.simulator.flashduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.simulator.SimClock;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Route;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /event/push/change/standard?integration_key=...}: a change event of a custom change integration. Events
 * with one {@code change_key} merge into one change; {@code event_time} is in seconds and only a {@code Ready} event
 * (a planned start) may lie in the future.
 */
final class ChangePushApi extends Route {
    static final String PATH = "/event/push/change/standard";
    private static final Set<String> STATUSES = Set.of("Planned", "Ready", "Processing", "Canceled", "Done");
    private static final int MAX_TITLE = 512;
    private static final int MAX_DESCRIPTION = 2048;
    private static final int MAX_KEY = 255;
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private final FlashdutySimulator flashduty;
    private final RateLimiter limiter;
    private final SimClock clock;

    ChangePushApi(FlashdutySimulator flashduty, RateLimiter limiter, SimClock clock) {
        super(Paths.exactly(PATH));
        this.flashduty = flashduty;
        this.limiter = limiter;
        this.clock = clock;
    }

    @Override
    public Response handle(Request request) {
        if (!request.method().equals("POST")) {
            throw FdErrors.error("MethodNotAllowed", "method " + request.method() + " is not allowed");
        }
        String key = request.param("integration_key").orElse("");
        if (!flashduty.knows(key)) {
            throw FdErrors.error("InvalidParameter", "integration_key is not a valid one");
        }
        if (!limiter.allow(key)) {
            throw FdErrors.error("RequestTooFrequently", "Request too frequently.");
        }
        if (!request.contentType().equals("application/json")) {
            throw FdErrors.error("InvalidContentType", "content type must be application/json");
        }
        JsonNode body;
        try {
            body = Json.read(request.body());
        } catch (IOException e) {
            throw FdErrors.error("InvalidParameter", "request body is not valid JSON");
        }
        if (body == null || !body.isObject()) {
            throw FdErrors.error("InvalidParameter", "request body must be a JSON object");
        }
        String changeKey = text(body, "change_key");
        if (Text.blank(changeKey) || changeKey.length() > MAX_KEY) {
            throw FdErrors.error("InvalidParameter", "change_key is required and at most 255 characters");
        }
        String status = text(body, "change_status");
        if (!STATUSES.contains(status)) {
            throw FdErrors.error("InvalidParameter", "change_status must be one of Planned, Ready, Processing, Canceled, Done");
        }
        String title = text(body, "title");
        if (Text.blank(title) || title.length() > MAX_TITLE) {
            throw FdErrors.error("InvalidParameter", "title is required and at most 512 characters");
        }
        String description = text(body, "description");
        if (description.length() > MAX_DESCRIPTION) {
            throw FdErrors.error("InvalidParameter", "description must be at most 2048 characters");
        }
        Long eventTime = null;
        JsonNode time = body.get("event_time");
        if (time != null && !time.isNull()) {
            if (!time.isIntegralNumber() || time.asLong() < 0) {
                throw FdErrors.error("InvalidParameter", "event_time must be a timestamp in seconds");
            }
            eventTime = time.asLong();
            if (eventTime > clock.instant().plus(CLOCK_SKEW).getEpochSecond() && !status.equals("Ready")) {
                throw FdErrors.error("InvalidParameter", "event_time may be in the future only for Ready");
            }
        }
        Map<String, String> labels = EventLabels.parse(body.get("labels"), false);
        flashduty.acceptChange(key, changeKey, new ChangeEvent(clock.instant(), status, title, description, text(body, "link"), eventTime, labels));
        ObjectNode data = Json.object();
        data.put("change_key", changeKey);
        return FdErrors.data(data);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }
}
