package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.Reply;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ChangeApiPresenceTest {

    @Test
    void onlyServiceNowsOwnAnswerSaysTheApiIsMissing() {
        assertTrue(ChangeApiPresence.saysMissing(reply(400,
                "{\"error\":{\"message\":\"Requested URI does not represent any resource\",\"detail\":null},\"status\":\"failure\"}")));
        assertFalse(ChangeApiPresence.saysMissing(reply(404, "<html><body>Requested URI does not represent any resource</body></html>")));
        assertFalse(ChangeApiPresence.saysMissing(reply(404, "")));
        assertFalse(ChangeApiPresence.saysMissing(reply(404,
                "{\"error\":{\"message\":\"No Record found\",\"detail\":\"Record doesn't exist or ACL restricts the record retrieval\"}}")));
        assertFalse(ChangeApiPresence.saysMissing(reply(503, "{\"error\":{\"message\":\"Requested URI does not represent any resource\"}}")));
    }

    @Test
    void aMissingVerdictIsForgottenAfterAWhile() {
        AtomicLong now = new AtomicLong();
        ChangeApiPresence presence = new ChangeApiPresence(now::get);
        presence.missing();
        now.addAndGet(ChangeApiPresence.REMEMBER.toNanos() - 1);
        assertTrue(presence.knownMissing());
        now.addAndGet(1);
        assertFalse(presence.knownMissing());
    }

    private static Reply reply(int status, String body) {
        return new Reply(status, HttpHeaders.of(Map.of(), (a, b) -> true), body.getBytes(StandardCharsets.UTF_8));
    }
}
