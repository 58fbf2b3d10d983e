package io.jenkins.plugins.servicenowflashduty.simulator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The simulator's one shared, thread-safe JSON mapper. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a body; {@link IOException} means it is not JSON. */
    public static JsonNode read(byte[] body) throws IOException {
        return MAPPER.readTree(body);
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
