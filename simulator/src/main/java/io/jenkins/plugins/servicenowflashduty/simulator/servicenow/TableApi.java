package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code /api/now[/v1|/v2]/table/{table}[/{sys_id}]}: the Table API. */
final class TableApi extends ServiceNowRoute {
    private static final Pattern PATH = Pattern.compile("^/api/now(?:/(v1|v2))?/table/([^/]*)(?:/([^/]*))?(/.*)?$");
    private static final int DEFAULT_LIMIT = 10000;

    TableApi(Backend backend) {
        super(Paths.matching(PATH), backend);
    }

    @Override
    public Response handle(Request request) {
        Matcher m = PATH.matcher(request.path());
        if (!m.matches() || m.group(4) != null || m.group(2).isEmpty()) {
            throw SnErrors.noSuchResource();
        }
        Actor actor = auth.authenticate(request);
        boolean v1 = "v1".equals(m.group(1));
        String table = m.group(2);
        String sysId = m.group(3);
        instance.schema(table);
        String method = request.header("x-http-method-override").map(String::toUpperCase).orElse(request.method());
        Response response = switch (method) {
            case "GET", "HEAD" -> sysId == null ? list(request, table, v1, actor) : one(request, table, sysId, actor);
            case "POST" -> {
                if (sysId != null) {
                    throw methodNotSupported();
                }
                Map<String, String> created = instance.create(table, BodyValues.read(request), actor, request.flag("sysparm_input_display_value"));
                yield result(request, table, created, 201)
                        .header("Location", request.baseUrl() + "/api/now/table/" + table + "/" + created.get("sys_id"));
            }
            case "PUT", "PATCH" -> {
                if (sysId == null) {
                    throw methodNotSupported();
                }
                Map<String, String> updated = instance.update(table, sysId, BodyValues.read(request), actor, request.flag("sysparm_input_display_value"));
                yield result(request, table, updated, 200);
            }
            case "DELETE" -> {
                if (sysId == null) {
                    throw methodNotSupported();
                }
                instance.delete(table, sysId, actor);
                yield Response.empty(204);
            }
            default -> throw methodNotSupported();
        };
        if (request.header("x-no-response-body").map("true"::equalsIgnoreCase).orElse(false)) {
            response.withoutBody();
        }
        return response;
    }

    private static RuntimeException methodNotSupported() {
        return SnErrors.error(405, "Method not Supported", "The HTTP method is not supported for this resource");
    }

    private Response one(Request request, String table, String sysId, Actor actor) {
        return result(request, table, instance.find(table, sysId, actor), 200);
    }

    private Response result(Request request, String table, Map<String, String> record, int status) {
        TableSchema schema = instance.schema(table);
        ObjectNode body = Json.object();
        body.set("result", renderer.table(schema, record, renderer.columns(schema, request.param("sysparm_fields").orElse(null)),
                RecordRenderer.Mode.of(request.param("sysparm_display_value").orElse(null)),
                request.flag("sysparm_exclude_reference_link"), request.baseUrl()));
        return Response.json(status, body);
    }

    private Response list(Request request, String table, boolean v1, Actor actor) {
        TableSchema schema = instance.schema(table);
        int limit = request.intParam("sysparm_limit", DEFAULT_LIMIT);
        int offset = Math.max(0, request.intParam("sysparm_offset", 0));
        limit = limit <= 0 ? DEFAULT_LIMIT : limit;
        Map<String, String> equals = new LinkedHashMap<>();
        String query = request.param("sysparm_query").orElse(null);
        if (query == null) {
            request.query().forEach((k, v) -> {
                if (!k.startsWith("sysparm_") && instance.knownField(schema, k) && !v.isEmpty()) {
                    equals.put(k, v.get(0));
                }
            });
        }
        ListResult rows = instance.list(table, query, equals, actor, offset, limit);
        if (v1 && rows.total() == 0) {
            throw SnErrors.notFound(); // v1 answers an empty list with 404
        }
        List<String> columns = renderer.columns(schema, request.param("sysparm_fields").orElse(null));
        RecordRenderer.Mode mode = RecordRenderer.Mode.of(request.param("sysparm_display_value").orElse(null));
        boolean exclude = request.flag("sysparm_exclude_reference_link");
        ObjectNode body = Json.object();
        ArrayNode result = body.putArray("result");
        rows.page().forEach(r -> result.add(renderer.table(schema, r, columns, mode, exclude, request.baseUrl())));
        Response response = Response.json(200, body);
        if (!request.flag("sysparm_no_count")) {
            response.header("X-Total-Count", Integer.toString(rows.total()));
        }
        if (!request.flag("sysparm_suppress_pagination_header") && rows.total() > limit) {
            response.header("Link", links(request, offset, limit, rows.total()));
        }
        return response;
    }

    /** {@code Link} with first, prev, next and last, each repeating the caller's other parameters. */
    static String links(Request request, int offset, int limit, int total) {
        List<String> out = new ArrayList<>();
        int last = ((total - 1) / limit) * limit;
        out.add(link(request, 0, limit, "first"));
        if (offset > 0) {
            out.add(link(request, Math.max(0, offset - limit), limit, "prev"));
        }
        if (offset + limit < total) {
            out.add(link(request, offset + limit, limit, "next"));
        }
        out.add(link(request, last, limit, "last"));
        return String.join(",", out);
    }

    private static String link(Request request, int offset, int limit, String rel) {
        StringBuilder q = new StringBuilder();
        request.query().forEach((k, values) -> {
            if (!k.equals("sysparm_offset") && !k.equals("sysparm_limit")) {
                values.forEach(v -> q.append(enc(k)).append('=').append(enc(v)).append('&'));
            }
        });
        q.append("sysparm_offset=").append(offset).append("&sysparm_limit=").append(limit);
        return "<" + request.baseUrl() + request.path() + "?" + q + ">;rel=\"" + rel + "\"";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
