package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Text;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/now/attachment}: upload raw bytes to a record, list, read and delete attachments. */
final class AttachmentApi extends ServiceNowRoute {
    private static final String PREFIX = "/api/now/attachment";
    private static final int DEFAULT_LIMIT = 1000;

    AttachmentApi(Backend backend) {
        super(Paths.under(PREFIX), backend);
    }

    @Override
    public Response handle(Request request) throws NoSuchAlgorithmException {
        Actor actor = auth.authenticate(request);
        String[] seg = segments(request).toArray(new String[0]);
        String method = request.method();
        if (seg.length == 1 && seg[0].equals("file") && method.equals("POST")) {
            return upload(request, actor);
        }
        if (seg.length == 0 && method.equals("GET")) {
            return list(request, actor);
        }
        if (seg.length == 1 && method.equals("GET")) {
            return single(request, instance.find("sys_attachment", seg[0], actor), 200);
        }
        if (seg.length == 1 && method.equals("DELETE")) {
            Map<String, String> meta = instance.find("sys_attachment", seg[0], actor);
            Acl.requireWrite(actor, meta.get("table_name"), "Delete");
            instance.delete("sys_attachment", seg[0], Actor.SYSTEM);
            return Response.empty(204);
        }
        if (seg.length == 2 && seg[1].equals("file") && method.equals("GET")) {
            Map<String, String> meta = instance.find("sys_attachment", seg[0], actor);
            byte[] content = instance.attachmentContent(seg[0]).orElse(new byte[0]);
            return Response.bytes(200, meta.get("content_type"), content);
        }
        throw SnErrors.noSuchResource();
    }

    private Response upload(Request request, Actor actor) throws NoSuchAlgorithmException {
        for (String p : new String[] {"table_name", "table_sys_id", "file_name"}) {
            if (Text.blank(request.param(p).orElse(null))) {
                throw SnErrors.error(400, "Missing mandatory parameter: " + p, null);
            }
        }
        String contentType = request.header("content-type").orElse(null);
        if (Text.blank(contentType)) {
            throw SnErrors.error(400, "Content-Type header is required", "Send the file's media type as Content-Type");
        }
        String table = request.param("table_name").get();
        String target = request.param("table_sys_id").get();
        if (!instance.hasTable(table)) {
            throw SnErrors.invalidTable(table);
        }
        instance.find(table, target, actor); // 404 when missing or hidden
        Acl.requireWrite(actor, table, "Insert");
        byte[] content = request.body();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("file_name", request.param("file_name").get());
        meta.put("content_type", contentType);
        meta.put("table_name", table);
        meta.put("table_sys_id", target);
        meta.put("size_bytes", Integer.toString(content.length));
        meta.put("size_compressed", Integer.toString(content.length));
        meta.put("hash", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        Map<String, String> stored = instance.create("sys_attachment", meta, Actor.SYSTEM, false);
        instance.storeAttachment(stored.get("sys_id"), content);
        return single(request, stored, 201).header("Location", request.baseUrl() + PREFIX + "/" + stored.get("sys_id"));
    }

    private Response list(Request request, Actor actor) {
        int limit = request.intParam("sysparm_limit", DEFAULT_LIMIT);
        int offset = Math.max(0, request.intParam("sysparm_offset", 0));
        ListResult rows = instance.list("sys_attachment", request.param("sysparm_query").orElse(null), Map.of(), actor,
                offset, limit <= 0 ? DEFAULT_LIMIT : limit);
        ObjectNode body = Json.object();
        ArrayNode result = body.putArray("result");
        rows.page().forEach(r -> result.add(render(request, r)));
        Response response = Response.json(200, body).header("X-Total-Count", Integer.toString(rows.total()));
        if (rows.total() > limit && limit > 0) {
            response.header("Link", TableApi.links(request, offset, limit, rows.total()));
        }
        return response;
    }

    private Response single(Request request, Map<String, String> meta, int status) {
        ObjectNode body = Json.object();
        body.set("result", render(request, meta));
        return Response.json(status, body);
    }

    private ObjectNode render(Request request, Map<String, String> meta) {
        TableSchema schema = instance.schema("sys_attachment");
        ObjectNode out = renderer.table(schema, meta, renderer.columns(schema, null), RecordRenderer.Mode.VALUE, true, request.baseUrl());
        out.put("download_link", request.baseUrl() + PREFIX + "/" + meta.get("sys_id") + "/file");
        out.put("created_by_name", meta.get("sys_created_by"));
        out.put("updated_by_name", meta.get("sys_updated_by"));
        return out;
    }
}
