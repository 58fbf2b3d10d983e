package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether an instance offers the Change Management REST API. Decided only from ServiceNow's own JSON answer
 * for an unknown URI; a proxy's or maintenance page's 404 says nothing about it. A "missing" verdict is
 * remembered for a while (so not every change pays a failed probe), then tried again, since an admin may
 * activate the plugin.
 */
final class ChangeApiPresence {
    static final Duration REMEMBER = Duration.ofMinutes(10);
    private static final String NO_SUCH_RESOURCE = "Requested URI does not represent any resource";

    private final LongSupplier nanoClock;
    private volatile long missingSince;
    private volatile boolean missing;

    ChangeApiPresence(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    boolean knownMissing() {
        if (!missing) {
            return false;
        }
        if (nanoClock.getAsLong() - missingSince >= REMEMBER.toNanos()) {
            missing = false;
        }
        return missing;
    }

    void missing() {
        missingSince = nanoClock.getAsLong();
        missing = true;
    }

    void seen() {
        missing = false;
    }

    /** ServiceNow's JSON error envelope saying that no API answers at this URI. */
    static boolean saysMissing(Reply reply) {
        if ((reply.status() != 400 && reply.status() != 404) || reply.body().length == 0) {
            return false;
        }
        try {
            JsonNode message = Json.MAPPER.readTree(reply.body()).path("error").path("message");
            return message.isTextual() && message.asText().contains(NO_SUCH_RESOURCE);
        } catch (IOException e) {
            return false; // HTML or garbage: not ServiceNow speaking
        }
    }
}
