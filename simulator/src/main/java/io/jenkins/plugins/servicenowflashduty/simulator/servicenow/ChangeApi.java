package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /api/sn_chg_rest[/v1]/change...}: the Change Management REST API over the {@code change_request}
 * table, with its typed {@code {value, display_value}} records and {@code __meta.ignoredFields}.
 */
final class ChangeApi extends ServiceNowRoute {
    private static final String PREFIX = "/api/sn_chg_rest";
    private static final Set<String> TYPES = Set.of("normal", "emergency", "standard");
    /** What a standard change template fixes and a caller cannot override. */
    private static final Set<String> TEMPLATE_FIXED = Set.of("description", "backout_plan", "test_plan", "implementation_plan");

    ChangeApi(Backend backend) {
        super(Paths.under(PREFIX), backend);
    }

    @Override
    public Response handle(Request request) {
        if (!instance.changeApiInstalled()) {
            throw SnErrors.noSuchResource();
        }
        List<String> seg = segments(request);
        if (!seg.isEmpty() && seg.get(0).equals("v1")) {
            seg.remove(0);
        }
        if (seg.isEmpty() || !seg.get(0).equals("change")) {
            throw SnErrors.noSuchResource();
        }
        Actor actor = auth.authenticate(request);
        seg.remove(0);
        String method = request.method();

        if (seg.size() >= 2 && seg.get(0).equals("standard") && seg.get(1).equals("template")) {
            return templates(request, seg.size() > 2 ? seg.get(2) : null, actor);
        }
        if (!seg.isEmpty() && seg.get(0).equals("model")) {
            return models(request, seg.size() > 1 ? seg.get(1) : null, actor);
        }
        String type = null;
        if (!seg.isEmpty() && TYPES.contains(seg.get(0))) {
            type = seg.remove(0);
        }
        if (seg.isEmpty()) {
            return switch (method) {
                case "GET" -> list(request, type, actor);
                case "POST" -> {
                    if ("standard".equals(type)) {
                        throw SnErrors.error(400, "Standard change template is required",
                                "Use /change/standard/{standard_change_template_id}");
                    }
                    yield create(request, type, null, actor);
                }
                default -> throw SnErrors.noSuchResource();
            };
        }
        if (type == null && seg.size() == 2 && seg.get(0).equals("worker") && method.equals("GET")) {
            ObjectNode body = Json.object();
            body.set("result", Json.MAPPER.valueToTree(instance.schedules().worker(seg.get(1))));
            return Response.json(200, body);
        }
        String id = seg.remove(0);
        if ("standard".equals(type) && method.equals("POST") && seg.isEmpty()) {
            return create(request, "standard", id, actor);
        }
        if (seg.isEmpty()) {
            return switch (method) {
                case "GET" -> single(typed(instance.find("change_request", id, actor), type));
                case "PATCH", "PUT" -> {
                    typed(instance.find("change_request", id, actor), type);
                    Map<String, String> values = values(request);
                    List<String> ignored = ignored(values, Set.of());
                    yield single(instance.update("change_request", id, values, actor, false), ignored);
                }
                case "DELETE" -> {
                    typed(instance.find("change_request", id, actor), type);
                    if (!actor.hasAny("change_manager")) {
                        throw SnErrors.aclDenied("Delete");
                    }
                    instance.delete("change_request", id, actor);
                    yield Response.empty(204);
                }
                default -> throw SnErrors.noSuchResource();
            };
        }
        String sub = seg.remove(0);
        Map<String, String> change = typed(instance.find("change_request", id, actor), type);
        return switch (sub) {
            case "nextstates" -> nextStates(change);
            case "approvals" -> approve(request, id, actor);
            case "task" -> tasks(request, id, seg.isEmpty() ? null : seg.get(0), actor);
            case "conflict" -> conflict(request, change, actor);
            case "schedule" -> schedule(request, change, seg, actor);
            case "ci" -> configurationItems(request, change, actor);
            default -> throw SnErrors.noSuchResource();
        };
    }

    private static Map<String, String> typed(Map<String, String> change, String type) {
        if (type != null && !type.equals(change.get("type"))) {
            throw SnErrors.notFound();
        }
        return change;
    }

    private Response create(Request request, String type, String templateId, Actor actor) {
        Map<String, String> values = values(request);
        List<String> ignored = ignored(values, templateId == null ? Set.of() : TEMPLATE_FIXED);
        Map<String, String> fields = new LinkedHashMap<>();
        if (templateId != null) {
            Map<String, String> template = instance.record("std_change_record_producer", templateId)
                    .filter(t -> "true".equals(t.get("active")))
                    .orElseThrow(() -> SnErrors.error(404, "No Record found", "Standard change template " + templateId + " was not found or is inactive"));
            for (String pair : template.get("template").split("\\^")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
            fields.putIfAbsent("short_description", template.get("short_description"));
            fields.put("std_change_producer_version", templateId);
        } else if (type == null) {
            String model = values.getOrDefault("chg_model", "");
            Map<String, String> m = instance.record("chg_model", model)
                    .or(() -> instance.findBy("chg_model", "name", model))
                    .orElseThrow(() -> SnErrors.error(400, "Change model is required", "Provide chg_model with the sys_id or name of a change model"));
            type = m.get("default_change_type");
            fields.put("chg_model", m.get("sys_id"));
        }
        if (!fields.containsKey("chg_model")) {
            instance.findBy("chg_model", "default_change_type", type).ifPresent(m -> fields.put("chg_model", m.get("sys_id")));
        }
        values.forEach((k, v) -> {
            if (!ignored.contains(k)) {
                fields.put(k, v);
            }
        });
        fields.put("type", type);
        return single(instance.create("change_request", fields, actor, false), ignored);
    }

    /** Columns the caller sent that ServiceNow will not set, reported back in {@code __meta.ignoredFields}. */
    private List<String> ignored(Map<String, String> values, Set<String> alsoIgnored) {
        TableSchema schema = instance.schema("change_request");
        List<String> out = new ArrayList<>();
        for (String k : values.keySet()) {
            if (!schema.has(k) || TableSchema.SYSTEM_FIELDS.contains(k) || k.equals("number") || alsoIgnored.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }

    /** URL parameters and body fields; the body wins. */
    private static Map<String, String> values(Request request) {
        Map<String, String> values = new LinkedHashMap<>();
        request.query().forEach((k, v) -> {
            if (!k.startsWith("sysparm_") && !k.equals("textSearch") && !k.equals("order") && !v.isEmpty()) {
                values.put(k, v.get(0));
            }
        });
        values.putAll(BodyValues.read(request));
        return values;
    }

    private Response list(Request request, String type, Actor actor) {
        String query = request.param("sysparm_query").orElse("");
        if (type != null) {
            query = query.isEmpty() ? "type=" + type : query + "^type=" + type;
        }
        String text = request.param("textSearch").orElse("");
        if (!text.isEmpty()) {
            query = (query.isEmpty() ? "" : query + "^") + "short_descriptionLIKE" + text;
        }
        Map<String, String> equals = new LinkedHashMap<>();
        TableSchema schema = instance.schema("change_request");
        request.query().forEach((k, v) -> {
            if (!k.startsWith("sysparm_") && schema.has(k) && !v.isEmpty()) {
                equals.put(k, v.get(0));
            }
        });
        int offset = Math.max(0, request.intParam("sysparm_offset", 0));
        int limit = request.intParam("sysparm_limit", 500);
        ListResult rows = instance.list("change_request", query, equals, actor, offset, limit <= 0 ? 500 : limit);
        ObjectNode body = Json.object();
        ArrayNode result = body.putArray("result");
        rows.page().forEach(r -> result.add(renderer.typed(schema, r)));
        return Response.json(200, body).header("X-Total-Count", Integer.toString(rows.total()));
    }

    private Response templates(Request request, String id, Actor actor) {
        TableSchema schema = instance.schema("std_change_record_producer");
        if (id != null) {
            return single(schema, instance.find("std_change_record_producer", id, actor), null);
        }
        String query = "active=true";
        String text = request.param("textSearch").orElse("");
        if (!text.isEmpty()) {
            query += "^nameLIKE" + text;
        }
        if (request.param("sysparm_query").isPresent()) {
            query += "^" + request.param("sysparm_query").get();
        }
        ListResult rows = instance.list("std_change_record_producer", query, Map.of(), actor,
                Math.max(0, request.intParam("sysparm_offset", 0)), request.intParam("sysparm_limit", 500));
        ObjectNode body = Json.object();
        ArrayNode result = body.putArray("result");
        rows.page().forEach(r -> result.add(renderer.typed(schema, r)));
        return Response.json(200, body);
    }

    private Response models(Request request, String id, Actor actor) {
        TableSchema schema = instance.schema("chg_model");
        if (id != null) {
            return single(schema, instance.find("chg_model", id, actor), null);
        }
        ListResult rows = instance.list("chg_model", "active=true", Map.of(), actor, 0, 500);
        ObjectNode body = Json.object();
        ArrayNode result = body.putArray("result");
        rows.page().forEach(r -> result.add(renderer.typed(schema, r)));
        return Response.json(200, body);
    }

    private Response nextStates(Map<String, String> change) {
        String current = change.get("state");
        List<String> next = new ArrayList<>(List.of(current));
        next.addAll(RecordRules.nextStates(change.get("type"), current, change.get("approval")));
        ObjectNode body = Json.object();
        ObjectNode result = body.putObject("result");
        ArrayNode available = result.putArray("available_states");
        ObjectNode labels = result.putObject("state_label");
        for (String s : next) {
            available.add(s);
            labels.put(s, Schemas.CHANGE_STATES.get(s));
        }
        return Response.json(200, body);
    }

    private Response approve(Request request, String id, Actor actor) {
        if (!request.method().equals("PATCH") && !request.method().equals("POST")) {
            throw SnErrors.noSuchResource();
        }
        if (!actor.hasAny("change_manager")) {
            throw SnErrors.error(400, "Failed to update approval", "User " + actor.userName() + " is not an approver of this change");
        }
        JsonNode body;
        try {
            body = request.body().length == 0 ? Json.object() : Json.read(request.body());
        } catch (IOException e) {
            throw SnErrors.badRequest("The payload is not valid JSON");
        }
        String state = body.path("state").asText("");
        String comments = body.path("comments").asText("");
        if (!state.equals("approved") && !state.equals("rejected")) {
            throw SnErrors.error(400, "Invalid approval state", "state must be approved or rejected");
        }
        if (state.equals("rejected") && Text.blank(comments)) {
            throw SnErrors.error(400, "Comments are required", "A rejection needs comments");
        }
        instance.decideApproval(id, state.equals("approved"), comments);
        return single(instance.find("change_request", id, actor));
    }

    /** {@code .../conflict}: start (POST), read (GET) or cancel (DELETE) a conflict check; only with the conflict plugin. */
    private Response conflict(Request request, Map<String, String> change, Actor actor) {
        ChangeSchedules schedules = instance.schedules();
        if (!schedules.conflictPluginInstalled()) {
            throw SnErrors.noSuchResource();
        }
        ObjectNode body = Json.object();
        switch (request.method()) {
            case "POST" -> {
                requireWriter(actor);
                body.put("result", schedules.startCheck(change));
            }
            case "GET" -> {
                ChangeSchedules.Status status = schedules.status(change);
                ObjectNode result = body.putObject("result");
                result.put("status", status.status());
                result.put("last_run", status.lastRun());
                result.put("record_count", Integer.toString(status.conflicts().size()));
                result.put("job_status", status.jobStatus());
                ArrayNode conflicts = result.putArray("conflicts");
                TableSchema schema = instance.schema("conflict");
                status.conflicts().forEach(c -> conflicts.add(renderer.typed(schema, c)));
            }
            case "DELETE" -> {
                requireWriter(actor);
                schedules.cancel(change);
                body.put("result", "");
            }
            default -> throw SnErrors.noSuchResource();
        }
        return Response.json(200, body);
    }

    /**
     * {@code PATCH .../schedule/first_available} with {@code {"duration_in_seconds"}}: accepted (202) as a worker that moves
     * the change to its first free slot when it runs; the change needs a configuration item.
     */
    private Response schedule(Request request, Map<String, String> change, List<String> rest, Actor actor) {
        if (!instance.schedules().conflictPluginInstalled() || rest.size() != 1 || !rest.get(0).equals("first_available")
                || !request.method().equals("PATCH")) {
            throw SnErrors.noSuchResource();
        }
        requireWriter(actor);
        if (change.get("cmdb_ci").isEmpty()) {
            throw SnErrors.error(400, "Invalid request", "The specified change request doesn't have an associated configuration item (cmdb_ci).");
        }
        long seconds;
        try {
            seconds = Long.parseLong(BodyValues.read(request).getOrDefault("duration_in_seconds", "").trim());
        } catch (NumberFormatException e) {
            seconds = 0;
        }
        if (seconds <= 0) {
            throw SnErrors.error(400, "Invalid request", "The duration_in_seconds body parameter value is invalid or was not provided.");
        }
        java.time.Duration duration = java.time.Duration.ofSeconds(seconds);
        String id = change.get("sys_id");
        ChangeSchedules.Worker w = instance.schedules().queue("schedule",
                "{\"change_sys_id\":\"" + id + "\",\"duration_in_seconds\":" + seconds + ",\"timezone\":\"UTC\"}", () -> {
                    instance.schedules().firstAvailable(instance.record("change_request", id).orElseThrow(), duration);
                    return "Change has been updated";
                });
        return accepted(w);
    }

    private Response accepted(ChangeSchedules.Worker w) {
        ObjectNode body = Json.object();
        body.set("result", Json.MAPPER.valueToTree(instance.schedules().accepted(w)));
        return Response.json(202, body);
    }

    /**
     * {@code POST .../ci} with {@code association_type} and {@code cmdb_ci_sys_ids} (a list or comma-separated): accepted
     * (202) as a worker that associates the items; {@code GET ...?association_type=affected} lists them.
     */
    private Response configurationItems(Request request, Map<String, String> change, Actor actor) {
        TableSchema schema = instance.schema("task_ci");
        if (request.method().equals("GET")) {
            if (request.param("association_type").isEmpty()) {
                throw SnErrors.error(400, "Invalid request", "association_type is required");
            }
            ObjectNode body = Json.object();
            ArrayNode result = body.putArray("result");
            instance.query("task_ci", "task=" + change.get("sys_id")).forEach(r -> result.add(renderer.typed(schema, r)));
            return Response.json(200, body);
        }
        if (!request.method().equals("POST")) {
            throw SnErrors.noSuchResource();
        }
        requireWriter(actor);
        JsonNode body;
        try {
            body = Json.read(request.body());
        } catch (IOException e) {
            throw SnErrors.badRequest("The payload is not valid JSON");
        }
        String association = body.path("association_type").asText("");
        if (!Set.of("affected", "impacted", "offering").contains(association)) {
            throw SnErrors.error(400, "Invalid request", "association_type must be affected, impacted or offering");
        }
        List<String> ids = new ArrayList<>();
        JsonNode given = body.path("cmdb_ci_sys_ids");
        if (given.isArray()) {
            given.forEach(n -> ids.add(n.asText().strip()));
        } else {
            for (String one : given.asText("").split(",")) {
                if (!one.isBlank()) {
                    ids.add(one.strip());
                }
            }
        }
        if (ids.isEmpty()) {
            throw SnErrors.error(400, "Invalid request", "cmdb_ci_sys_ids is required");
        }
        String changeId = change.get("sys_id");
        ChangeSchedules.Worker w = instance.schedules().queue(association, body.toString(), () -> {
            for (String id : ids) {
                if (instance.record("cmdb_ci", id).isEmpty()) {
                    throw new IllegalStateException("Invalid CMDB_CI sys_id provided");
                }
                if (instance.query("task_ci", "task=" + changeId + "^ci_item=" + id).isEmpty()) {
                    instance.insert("task_ci", Map.of("task", changeId, "ci_item", id));
                }
            }
            return "Configuration items associated";
        });
        return accepted(w);
    }

    private static void requireWriter(Actor actor) {
        if (!actor.hasAny("change_manager", "itil")) {
            throw SnErrors.aclDenied("Update");
        }
    }

    private Response tasks(Request request, String changeId, String taskId, Actor actor) {
        TableSchema schema = instance.schema("change_task");
        if (taskId == null && request.method().equals("GET")) {
            ListResult rows = instance.list("change_task", "change_request=" + changeId, Map.of(), actor, 0, 10000);
            ObjectNode body = Json.object();
            ArrayNode result = body.putArray("result");
            rows.page().forEach(r -> result.add(renderer.typed(schema, r)));
            return Response.json(200, body);
        }
        if (taskId == null && request.method().equals("POST")) {
            Map<String, String> values = values(request);
            values.put("change_request", changeId);
            return single(schema, instance.create("change_task", values, actor, false), null);
        }
        if (taskId != null) {
            Map<String, String> task = instance.find("change_task", taskId, actor);
            if (!changeId.equals(task.get("change_request"))) {
                throw SnErrors.notFound();
            }
            return switch (request.method()) {
                case "GET" -> single(schema, task, null);
                case "PATCH" -> single(schema, instance.update("change_task", taskId, values(request), actor, false), null);
                case "DELETE" -> {
                    instance.delete("change_task", taskId, actor);
                    yield Response.empty(204);
                }
                default -> throw SnErrors.noSuchResource();
            };
        }
        throw SnErrors.noSuchResource();
    }

    private Response single(Map<String, String> change) {
        return single(change, List.of());
    }

    private Response single(Map<String, String> change, List<String> ignored) {
        return single(instance.schema("change_request"), change, ignored);
    }

    private Response single(TableSchema schema, Map<String, String> record, List<String> ignored) {
        ObjectNode body = Json.object();
        ObjectNode result = renderer.typed(schema, record);
        if (ignored != null) {
            ArrayNode list = result.putObject("__meta").putArray("ignoredFields");
            ignored.forEach(list::add);
        }
        body.set("result", result);
        return Response.json(200, body);
    }
}
