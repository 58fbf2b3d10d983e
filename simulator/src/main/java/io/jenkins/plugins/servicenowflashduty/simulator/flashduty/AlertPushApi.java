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
import java.util.Map;
import java.util.Set;

/** {@code POST /event/push/alert/standard?integration_key=...}: Flashduty's standard alert event push. */
final class AlertPushApi extends Route {
    static final String PATH = "/event/push/alert/standard";
    private static final Set<String> STATUSES = Set.of("Critical", "Warning", "Info", "Ok");
    private static final int MAX_TITLE = 512;
    private static final int MAX_DESCRIPTION = 2048;
    private static final int MAX_ALERT_KEY = 255;

    private final FlashdutySimulator flashduty;
    private final RateLimiter limiter;
    private final SimClock clock;
    private volatile boolean rateLimited = true;

    AlertPushApi(FlashdutySimulator flashduty, RateLimiter limiter, SimClock clock) {
        super(Paths.exactly(PATH));
        this.flashduty = flashduty;
        this.limiter = limiter;
        this.clock = clock;
    }

    void setRateLimited(boolean limited) {
        this.rateLimited = limited;
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
        if (rateLimited && !limiter.allow(key)) {
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
        String status = text(body, "event_status");
        if (!STATUSES.contains(status)) {
            throw FdErrors.error("InvalidParameter", "event_status must be one of Critical, Warning, Info, Ok");
        }
        String titleRule = text(body, "title_rule");
        if (Text.blank(titleRule)) {
            throw FdErrors.error("InvalidParameter", "title_rule is required");
        }
        String alertKey = text(body, "alert_key");
        if (alertKey.length() > MAX_ALERT_KEY) {
            throw FdErrors.error("InvalidParameter", "alert_key must be at most 255 characters");
        }
        if (status.equals("Ok") && alertKey.isEmpty()) {
            throw FdErrors.error("InvalidParameter", "alert_key is required when event_status is Ok");
        }
        Map<String, String> labels = EventLabels.parse(body.get("labels"), true);
        if (alertKey.isEmpty()) {
            alertKey = FdErrors.requestId();
        }
        String description = truncate(text(body, "description"), MAX_DESCRIPTION);
        String severity = status.equals("Ok")
                ? flashduty.alert(alertKey).map(Alert::status).filter(s -> !s.equals("Ok")).orElse("") : status;
        String title;
        try {
            title = truncate(TitleRule.render(titleRule, labels, new TitleRule.Event(titleRule, description, status, severity, alertKey)), MAX_TITLE);
        } catch (IllegalArgumentException e) {
            throw FdErrors.error("InvalidParameter", e.getMessage());
        }
        flashduty.accept(key, alertKey, new AlertEvent(clock.instant(), status, title, description, labels));
        ObjectNode data = Json.object();
        data.put("alert_key", alertKey);
        return FdErrors.data(data);
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
