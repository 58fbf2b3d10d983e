package io.jenkins.plugins.servicenowflashduty.simulator.http;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request as the simulator saw it, with secrets already replaced by {@code ***}.
 *
 * @param status the status answered, or 0 when the connection was dropped
 * @param fault the injected fault, or empty
 */
public record LoggedRequest(Instant time, String method, String path, String query,
                            Map<String, List<String>> headers, String body, int status, String fault) {
}
