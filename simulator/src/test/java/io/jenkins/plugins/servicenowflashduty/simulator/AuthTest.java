package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SimulatorExtension.class)
class AuthTest {
    private Simulator sim;

    @BeforeEach
    void start(Simulator sim) {
        this.sim = sim;
    }

    private SimHttp.Reply token(String form) {
        return new SimHttp(sim).send("POST", "/oauth_token.do", form, "application/x-www-form-urlencoded");
    }

    private static final String CLIENT = "client_id=jenkins-client&client_secret=jenkins-client-secret";

    @Test
    void missingOrWrongBasicCredentialsAre401WithServiceNowsBody() {
        SimHttp.Reply none = new SimHttp(sim).get("/api/now/table/incident");
        assertEquals(401, none.status());
        assertEquals("User Not Authenticated", none.errorMessage());
        assertEquals("Required to provide Auth information", none.errorDetail());
        assertEquals("BASIC realm=\"Service-now\"", none.header("WWW-Authenticate"));
        assertEquals(401, new SimHttp(sim).as("jenkins", "wrong").get("/api/now/table/incident").status());
        assertEquals(401, new SimHttp(sim).as("nobody", "jenkins").get("/api/now/table/incident").status());
        assertEquals(200, SimHttp.jenkins(sim).get("/api/now/table/incident").status());
    }

    @Test
    void aUserWithoutItilCannotWriteIncidentsAndSeesNone() {
        SimHttp.jenkins(sim).post("/api/now/table/incident", "{}");
        SimHttp readonly = new SimHttp(sim).as("readonly", "readonly");
        SimHttp.Reply write = readonly.post("/api/now/table/incident", "{\"short_description\":\"x\"}");
        assertEquals(403, write.status());
        assertEquals("ACL Exception Insert Failed due to security constraints", write.errorDetail());
        SimHttp.Reply list = readonly.get("/api/now/table/incident");
        assertEquals(200, list.status());
        assertEquals(0, list.result().size());
        assertEquals(200, readonly.get("/api/now/table/sys_user_group").status());
        assertEquals(403, SimHttp.jenkins(sim).post("/api/now/table/sys_user_group", "{\"name\":\"x\"}").status());
    }

    @Test
    void passwordGrantGivesABearerTokenThatExpires() {
        SimHttp.Reply r = token("grant_type=password&" + CLIENT + "&username=jenkins&password=jenkins");
        assertEquals(200, r.status(), r.body());
        JsonNode t = r.json();
        assertEquals("Bearer", t.get("token_type").asText());
        assertEquals("useraccount", t.get("scope").asText());
        assertTrue(t.get("expires_in").isNumber());
        assertTrue(t.get("expires_in").asLong() >= 1799);
        assertFalse(t.get("refresh_token").asText().isEmpty());
        String access = t.get("access_token").asText();
        assertEquals(201, new SimHttp(sim).bearer(access).post("/api/now/table/incident", "{}").status());

        // within its lifetime the same token comes back
        assertEquals(access, token("grant_type=password&" + CLIENT + "&username=jenkins&password=jenkins").json().get("access_token").asText());

        sim.clock().advance(Duration.ofSeconds(1801));
        SimHttp.Reply expired = new SimHttp(sim).bearer(access).get("/api/now/table/incident");
        assertEquals(401, expired.status());
        assertEquals("User Not Authenticated", expired.errorMessage());

        SimHttp.Reply refreshed = token("grant_type=refresh_token&" + CLIENT + "&refresh_token=" + t.get("refresh_token").asText());
        assertEquals(200, refreshed.status());
        assertFalse(refreshed.json().has("refresh_token"));
        String next = refreshed.json().get("access_token").asText();
        assertNotEquals(access, next);
        assertEquals(200, new SimHttp(sim).bearer(next).get("/api/now/table/incident").status());
    }

    @Test
    void tokenEndpointFailuresUseTheOAuthErrorShape() {
        SimHttp.Reply wrongUser = token("grant_type=password&" + CLIENT + "&username=jenkins&password=nope");
        assertEquals(401, wrongUser.status());
        assertEquals("server_error", wrongUser.json().get("error").asText());
        assertEquals("access_denied", wrongUser.json().get("error_description").asText());
        assertEquals(401, token("grant_type=password&client_id=jenkins-client&client_secret=bad&username=jenkins&password=jenkins").status());
        SimHttp.Reply json = new SimHttp(sim).send("POST", "/oauth_token.do",
                "{\"grant_type\":\"password\"}", "application/json");
        assertEquals(401, json.status());
        assertEquals("unspecified error", json.json().get("error_description").asText());
    }

    @Test
    void clientCredentialsActAsTheApplicationUserAndCanBeSwitchedOff() {
        SimHttp.Reply r = token("grant_type=client_credentials&" + CLIENT);
        assertEquals(200, r.status());
        assertFalse(r.json().has("refresh_token"));
        JsonNode created = new SimHttp(sim).bearer(r.json().get("access_token").asText()).post("/api/now/table/incident", "{}").result();
        assertEquals("jenkins", created.get("sys_created_by").asText());
        sim.oauth().setClientCredentialsEnabled(false);
        assertEquals(401, token("grant_type=client_credentials&" + CLIENT).status());
    }

    @Test
    void apiKeyHeaderAuthenticates() {
        SimHttp.Reply ok = new SimHttp(sim).send("GET", "/api/now/table/incident", null, null, "x-sn-apikey", "sandbox-api-key");
        assertEquals(200, ok.status());
        SimHttp.Reply bad = new SimHttp(sim).send("GET", "/api/now/table/incident", null, null, "x-sn-apikey", "nope");
        assertEquals(401, bad.status());
    }

    @Test
    void garbageAuthorizationHeadersAre401() {
        assertEquals(401, new SimHttp(sim).send("GET", "/api/now/table/incident", null, null, "Authorization", "Basic !!!").status());
        assertEquals(401, new SimHttp(sim).send("GET", "/api/now/table/incident", null, null, "Authorization", "Digest x").status());
        assertEquals(401, new SimHttp(sim).bearer("not-a-token").get("/api/now/table/incident").status());
    }
}
