package io.jenkins.plugins.servicenowflashduty.client.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** The client's one Jackson mapper (thread-safe once configured) and the small JSON helpers around it. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** A flat object of string values, as ServiceNow's Table API takes it. */
    public static byte[] flatObject(Map<String, String> values) {
        ObjectNode node = MAPPER.createObjectNode();
        values.forEach(node::put);
        return bytes(node);
    }

    public static byte[] bytes(Object node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen for trees and maps in memory
        }
    }
}
