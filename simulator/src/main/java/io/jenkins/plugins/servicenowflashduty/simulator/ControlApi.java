package io.jenkins.plugins.servicenowflashduty.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultPlan;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultRule;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Alert;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.AlertEvent;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.Change;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.ChangeEvent;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.http.LoggedRequest;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Route;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.SnErrors;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ChangeSchedules;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowInstance;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /_sim/...}: steering the simulator over HTTP (faults, approvals, clock) and reading what it saw
 * (requests, Flashduty alerts). Not part of either real API.
 */
final class ControlApi extends Route {
    private final Simulator simulator;

    ControlApi(Simulator simulator) {
        super(Paths.under("/_sim"));
        this.simulator = simulator;
    }

    @Override
    public Response handle(Request request) {
        String what = String.join("/", segments(request));
        String method = request.method();
        try {
            if (what.equals("health")) {
                return Response.json(200, java.util.Map.of("status", "ok"));
            }
            if (what.equals("requests")) {
                if (method.equals("DELETE")) {
                    simulator.requests().clear();
                    return Response.empty(204);
                }
                return Response.json(200, requests(since(request)));
            }
            if (what.equals("faults")) {
                FaultPlan faults = simulator.faults();
                switch (method) {
                    case "POST" -> {
                        FaultRule rule = faults.add(FaultPlan.parse(request.bodyText()));
                        return Response.text(201, "text/plain;charset=UTF-8", rule + "\n");
                    }
                    case "DELETE" -> {
                        faults.clear();
                        return Response.empty(204);
                    }
                    default -> {
                        StringBuilder out = new StringBuilder();
                        faults.rules().forEach(r -> out.append(r).append('\n'));
                        return Response.text(200, "text/plain;charset=UTF-8", out.toString());
                    }
                }
            }
            if (what.equals("approval-policy")) {
                if (method.equals("PUT") || method.equals("POST")) {
                    simulator.serviceNow().setApprovalPolicy(ApprovalPolicy.parse(request.bodyText()));
                }
                return Response.text(200, "text/plain;charset=UTF-8", simulator.serviceNow().approvalPolicy() + "\n");
            }
            if ((what.equals("changes/approve-all") || what.equals("changes/reject-all")) && method.equals("POST")) {
                int decided = simulator.serviceNow().decideAllWaiting(what.endsWith("approve-all"),
                        Text.blank(request.bodyText()) ? null : request.bodyText().trim());
                return Response.json(200, java.util.Map.of("decided", decided));
            }
            if (what.startsWith("changes/") && method.equals("POST")) {
                String[] parts = what.split("/");
                if (parts.length == 3 && (parts[2].equals("approve") || parts[2].equals("reject"))) {
                    simulator.serviceNow().decideApproval(parts[1], parts[2].equals("approve"),
                            Text.blank(request.bodyText()) ? null : request.bodyText().trim());
                    return Response.empty(204);
                }
            }
            if (what.equals("clock/advance") && method.equals("POST")) {
                simulator.clock().advance(Duration.ofSeconds(seconds(request)));
                return Response.text(200, "text/plain;charset=UTF-8", simulator.clock().instant() + "\n");
            }
            if (what.equals("blackouts") || what.equals("maintenance-windows")) {
                return schedules(request, what.equals("blackouts") ? "blackout" : "maintenance");
            }
            if (what.equals("conflict-plugin")) {
                if (method.equals("PUT") || method.equals("POST")) {
                    String body = request.bodyText().trim();
                    if (!body.equals("installed") && !body.equals("missing")) {
                        throw new IllegalArgumentException("Send 'installed' or 'missing'.");
                    }
                    simulator.serviceNow().schedules().setConflictPluginInstalled(body.equals("installed"));
                }
                return Response.text(200, "text/plain;charset=UTF-8",
                        (simulator.serviceNow().schedules().conflictPluginInstalled() ? "installed" : "missing") + "\n");
            }
            if (what.equals("flashduty/changes")) {
                return Response.json(200, changes());
            }
            if (what.equals("flashduty/alerts")) {
                return Response.json(200, alerts());
            }
        } catch (IllegalArgumentException e) {
            return SnErrors.response(400, e.getMessage(), null);
        }
        return SnErrors.response(404, "No such control endpoint: " + method + " " + request.path() + ".", null);
    }

    /**
     * {@code POST /_sim/blackouts} (or {@code maintenance-windows}) with {@code {"name", "start", "end", "configurationItems"}}
     * (ISO-8601 instants; no items: every item) adds a schedule; GET lists them with their spans; DELETE removes all.
     */
    private Response schedules(Request request, String type) {
        ChangeSchedules schedules = simulator.serviceNow().schedules();
        ServiceNowInstance sn = simulator.serviceNow();
        switch (request.method()) {
            case "POST" -> {
                JsonNode body;
                try {
                    body = Json.read(request.body());
                } catch (IOException e) {
                    throw new IllegalArgumentException("Send a JSON object: {\"name\", \"start\", \"end\", \"configurationItems\"}.");
                }
                List<String> items = new ArrayList<>();
                body.path("configurationItems").forEach(n -> items.add(n.asText()));
                Map<String, String> added = schedules.addSchedule(type, body.path("name").asText(""),
                        instant(body, "start"), instant(body, "end"), items);
                return Response.json(201, added);
            }
            case "DELETE" -> {
                schedules.clearSchedules();
                return Response.empty(204);
            }
            default -> {
                ArrayNode out = Json.MAPPER.createArrayNode();
                for (Map<String, String> s : sn.query("cmn_schedule", "type=" + type)) {
                    ObjectNode o = out.addObject();
                    o.put("sys_id", s.get("sys_id"));
                    o.put("name", s.get("name"));
                    ArrayNode spans = o.putArray("spans");
                    sn.query("cmn_schedule_span", "schedule=" + s.get("sys_id")).forEach(span ->
                            spans.addObject().put("start", span.get("start_date_time")).put("end", span.get("end_date_time")));
                    ArrayNode conditions = o.putArray("conditions");
                    sn.query("cmn_schedule_condition", "schedule=" + s.get("sys_id")).forEach(c -> conditions.add(c.get("condition")));
                }
                return Response.json(200, out);
            }
        }
    }

    private static Instant instant(JsonNode body, String field) {
        String text = body.path(field).asText("");
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "' must be an ISO-8601 instant such as 2026-12-24T00:00:00Z, not '" + text + "'.");
        }
    }

    private static long seconds(Request request) {
        String text = request.param("seconds").orElseThrow(
                () -> new IllegalArgumentException("Say how far to move the clock with seconds=N, a whole number of seconds."));
        try {
            long seconds = Long.parseLong(text.trim());
            if (seconds >= 0 && seconds <= Duration.ofDays(365L * 1000).toSeconds()) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("seconds must be a whole number of seconds to move the clock forward, not '" + text + "'.");
    }

    /** {@code since=}: only what was answered after that instant, so that a long run can be read in parts. */
    private static Instant since(Request request) {
        String text = request.param("since").orElse("");
        if (text.isBlank()) {
            return Instant.MIN;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("since must be an ISO-8601 instant such as 2026-12-24T00:00:00Z, not '" + text + "'.");
        }
    }

    private ArrayNode requests(Instant since) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (LoggedRequest r : simulator.requests().matching(r -> r.time().isAfter(since))) {
            ObjectNode o = out.addObject();
            o.put("time", r.time().toString());
            o.put("method", r.method());
            o.put("path", r.path());
            o.put("query", r.query());
            o.put("status", r.status());
            o.put("fault", r.fault());
            o.set("headers", Json.MAPPER.valueToTree(r.headers()));
            o.put("body", r.body());
        }
        return out;
    }

    private ArrayNode changes() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Change c : simulator.flashduty().changes()) {
            ObjectNode o = out.addObject();
            o.put("change_key", c.changeKey());
            o.put("integration", c.integration());
            o.put("status", c.status());
            o.put("title", c.title());
            ArrayNode events = o.putArray("events");
            for (ChangeEvent e : c.events()) {
                ObjectNode ev = events.addObject();
                ev.put("received", e.received().toString());
                ev.put("change_status", e.status());
                ev.put("title", e.title());
                ev.put("description", e.description());
                ev.put("link", e.link());
                if (e.eventTime() != null) {
                    ev.put("event_time", e.eventTime());
                }
                ev.set("labels", Json.MAPPER.valueToTree(e.labels()));
            }
        }
        return out;
    }

    private ArrayNode alerts() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Alert a : simulator.flashduty().alerts()) {
            ObjectNode o = out.addObject();
            o.put("alert_key", a.alertKey());
            o.put("integration", a.integration());
            o.put("status", a.status());
            o.put("title", a.title());
            o.put("recovered", a.recovered());
            ArrayNode events = o.putArray("events");
            for (AlertEvent e : a.events()) {
                ObjectNode ev = events.addObject();
                ev.put("time", e.time().toString());
                ev.put("event_status", e.status());
                ev.put("title", e.title());
                ev.put("description", e.description());
                ev.set("labels", Json.MAPPER.valueToTree(e.labels()));
            }
        }
        return out;
    }
}
