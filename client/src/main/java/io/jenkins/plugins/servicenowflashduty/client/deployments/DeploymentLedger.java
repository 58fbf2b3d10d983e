package io.jenkins.plugins.servicenowflashduty.client.deployments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's deployments, kept as one JSON line per event next to the job's builds: a deployment when its change block
 * ends, then the incident it caused and that incident's resolution. Appending a line is all a write costs, and
 * reading a job's file is all the deployments page costs: it never loads a build. A line it cannot read (cut short by
 * a crash) is skipped.
 */
public final class DeploymentLedger {
    /** The file's name in the job's folder. */
    public static final String FILE_NAME = "servicenow-deployments.jsonl";
    private static final String DEPLOYED = "deployed";
    private static final String INCIDENT = "incident";
    private static final String RESTORED = "restored";

    private DeploymentLedger() {
    }

    /** The deployments in the file, oldest first, with their incidents; none when there is no file. */
    public static List<Deployment> read(Path file) {
        Map<String, Deployment> byKey = new LinkedHashMap<>();
        Map<String, String> keyOfChange = new HashMap<>();
        Map<String, String> keyOfIncident = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode e = parse(line);
                if (e != null) {
                    apply(e, byKey, keyOfChange, keyOfIncident);
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(byKey.values());
    }

    private static JsonNode parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null; // a line a crash cut short
        }
    }

    /**
     * Folds one event in. A deployment is keyed by its change and build (recorded again after a restart, it replaces
     * itself and keeps its incident); an incident goes to the latest deployment of its change, so that a change
     * number another instance (or a reset sandbox) gives again does not merge two deployments.
     */
    private static void apply(JsonNode e, Map<String, Deployment> byKey, Map<String, String> keyOfChange, Map<String, String> keyOfIncident) {
        String change = text(e, "change");
        switch (text(e, "event")) {
            case DEPLOYED -> {
                Deployment d = new Deployment(e.path("build").asInt(), change, text(e, "changeUrl"), text(e, "type"), text(e, "result"),
                        time(e, "opened"), time(e, "approved"), time(e, "started"), time(e, "ended"), time(e, "oldestCommit"), "", "", null, null);
                String key = change + '#' + d.build();
                Deployment before = byKey.remove(key);
                byKey.put(key, before == null || before.incident().isEmpty() ? d
                        : d.withIncident(before.incident(), before.incidentUrl(), before.incidentOpened()).withRestored(before.incidentResolved()));
                keyOfChange.put(change, key);
            }
            case INCIDENT -> {
                String key = keyOfChange.get(change);
                Deployment d = key == null ? null : byKey.get(key);
                if (d != null && d.incident().isEmpty()) { // the first incident a change caused counts
                    byKey.put(key, d.withIncident(text(e, "incident"), text(e, "incidentUrl"), time(e, "at")));
                    keyOfIncident.put(text(e, "incident"), key);
                }
            }
            case RESTORED -> {
                String key = keyOfIncident.get(text(e, "incident"));
                Deployment d = key == null ? null : byKey.get(key);
                if (d != null && d.incidentResolved() == null) {
                    byKey.put(key, d.withRestored(time(e, "at")));
                }
            }
            default -> {
                // an event of a later version: skipped
            }
        }
    }

    /** Records a deployment that ended. */
    public static void deployed(Path file, Deployment d) {
        ObjectNode e = event(DEPLOYED, d.change());
        e.put("build", d.build());
        e.put("changeUrl", d.changeUrl());
        e.put("type", d.type());
        e.put("result", d.result());
        put(e, "opened", d.opened());
        put(e, "approved", d.approved());
        put(e, "started", d.started());
        put(e, "ended", d.ended());
        put(e, "oldestCommit", d.oldestCommit());
        append(file, e);
    }

    /** Records the incident a deployment's change caused. */
    public static void incident(Path file, String change, String incident, String incidentUrl, Instant at) {
        ObjectNode e = event(INCIDENT, change);
        e.put("incident", incident);
        e.put("incidentUrl", incidentUrl == null ? "" : incidentUrl);
        put(e, "at", at);
        append(file, e);
    }

    /** Records that an incident was resolved: the service is restored. */
    public static void restored(Path file, String incident, Instant at) {
        ObjectNode e = event(RESTORED, "");
        e.put("incident", incident);
        put(e, "at", at);
        append(file, e);
    }

    /** Whether the file names this incident (as caused by one of its deployments). */
    public static boolean hasIncident(List<Deployment> deployments, String incident) {
        return deployments.stream().anyMatch(d -> d.incident().equals(incident));
    }

    private static ObjectNode event(String kind, String change) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("event", kind);
        e.put("change", change == null ? "" : change);
        return e;
    }

    private static void append(Path file, ObjectNode event) {
        try {
            Files.createDirectories(file.getParent());
            boolean cutShort = endsMidLine(file);
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                if (cutShort) {
                    out.write('\n'); // a crash left half a line: this event starts its own
                }
                out.write(Json.MAPPER.writeValueAsString(event));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean endsMidLine(Path file) throws IOException {
        try (SeekableByteChannel in = Files.newByteChannel(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            in.position(size - 1).read(last);
            return last.get(0) != '\n';
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static void put(ObjectNode e, String field, Instant at) {
        if (at != null) {
            e.put(field, at.toString());
        }
    }

    private static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static Instant time(JsonNode e, String field) {
        String v = text(e, field);
        if (v.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (RuntimeException x) {
            return null;
        }
    }
}
