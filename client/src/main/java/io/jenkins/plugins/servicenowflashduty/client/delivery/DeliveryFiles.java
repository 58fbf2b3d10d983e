package io.jenkins.plugins.servicenowflashduty.client.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The {@link Outbox}'s directory: one small JSON file per delivery, replaced whole (written aside, then
 * renamed over) so a controller that dies mid-write leaves the old file or the new one, never half of one.
 */
final class DeliveryFiles {
    private static final int FORMAT = 1;
    private final Path directory;

    DeliveryFiles(Path directory) throws IOException {
        this.directory = Files.createDirectories(directory);
    }

    Path directory() {
        return directory;
    }

    /** What the directory holds. */
    record Loaded(List<Delivery> deliveries, int unreadable) {
    }

    Loaded load() throws IOException {
        List<Delivery> found = new ArrayList<>();
        int unreadable = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(file); // an unfinished write: the file it was replacing still holds the delivery
                } else if (name.endsWith(".unreadable")) {
                    unreadable++;
                } else if (name.endsWith(".json")) {
                    try {
                        found.add(read(Json.MAPPER.readTree(file.toFile())));
                    } catch (IOException | RuntimeException e) {
                        // kept for a person to look at, out of the way of the queue
                        Files.move(file, file.resolveSibling(name + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
                        unreadable++;
                    }
                }
            }
        }
        found.sort(Comparator.comparingLong(Delivery::sequence));
        return new Loaded(found, unreadable);
    }

    /**
     * Writes a delivery whole and durably: the bytes are forced to the disk before the rename, and the directory
     * after it, so a power loss leaves the old file or the new one, never an empty one.
     */
    void write(Delivery d) throws IOException {
        Path target = file(d);
        Path aside = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.wrap(Json.bytes(toJson(d)));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        try {
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(aside, target, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory();
    }

    /** Makes a rename or a removal durable; where a directory cannot be opened for that (Windows), the rename is as good as it gets. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here
        }
    }

    void delete(Delivery d) throws IOException {
        Files.deleteIfExists(file(d));
        forceDirectory();
    }

    private Path file(Delivery d) {
        return directory.resolve(String.format("%012d-%s.json", d.sequence(), d.id()));
    }

    private static ObjectNode toJson(Delivery d) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("format", FORMAT);
        n.put("id", d.id());
        n.put("sequence", d.sequence());
        n.put("key", d.key());
        n.put("kind", d.kind());
        n.put("summary", d.summary());
        n.put("origin", d.origin());
        n.set("payload", d.payload());
        n.put("queuedAt", d.queuedAt().toEpochMilli());
        n.put("attempts", d.attempts());
        if (d.firstAttemptAt() != null) {
            n.put("firstAttemptAt", d.firstAttemptAt().toEpochMilli());
        }
        n.put("nextAttemptAt", d.nextAttemptAt().toEpochMilli());
        n.put("lastError", d.lastError());
        n.put("held", d.held());
        return n;
    }

    private static Delivery read(JsonNode n) throws IOException {
        if (n.path("format").asInt() != FORMAT || !n.path("payload").isObject()) {
            throw new IOException("not a delivery of format " + FORMAT);
        }
        return new Delivery(text(n, "id"), n.path("sequence").asLong(), text(n, "key"), text(n, "kind"), n.path("summary").asText(),
                n.path("origin").asText(), (ObjectNode) n.get("payload"), Instant.ofEpochMilli(n.path("queuedAt").asLong()),
                n.path("attempts").asInt(), n.hasNonNull("firstAttemptAt") ? Instant.ofEpochMilli(n.get("firstAttemptAt").asLong()) : null,
                Instant.ofEpochMilli(n.path("nextAttemptAt").asLong()), n.path("lastError").asText(), n.path("held").asBoolean());
    }

    private static String text(JsonNode n, String field) throws IOException {
        if (!n.path(field).isTextual() || n.get(field).asText().isEmpty()) {
            throw new IOException("no " + field);
        }
        return n.get(field).asText();
    }
}
