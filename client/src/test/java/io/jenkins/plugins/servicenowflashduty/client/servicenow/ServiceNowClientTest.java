package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.BasicAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.RecordingSleeper;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Table API client against the simulator over real HTTP. */
class ServiceNowClientTest {
    private Simulator sim;
    private ServiceNowClient client;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        client = client("jenkins", "jenkins");
    }

    private ServiceNowClient client(String user, String password) {
        return new ServiceNowClient(sim.baseUrl(), true, new BasicAuthentication(user, SecretValue.of(password)),
                HttpSettings.defaults("x").withSleeper(new RecordingSleeper()));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private ApiException failure(Runnable r) {
        return assertThrows(ApiException.class, r::run);
    }

    @Test
    void createGetUpdateDelete() {
        SnRecord created = client.create("incident", Map.of("short_description", "<b>Build</b> failed ✗ — ünïcode", "urgency", "2"));
        assertTrue(Tables.isSysId(created.sysId()));
        assertTrue(created.number().startsWith("INC"));
        assertEquals("<b>Build</b> failed ✗ — ünïcode", client.get("incident", created.sysId()).get("short_description"));
        SnRecord updated = client.update("incident", created.sysId(), Map.of("impact", "1"));
        assertEquals("2", updated.get("priority"));
        assertEquals("1", client.get("incident", created.sysId(), "impact").get("impact"));
        client.delete("incident", created.sysId());
        client.delete("incident", created.sysId()); // already gone: fine
        assertTrue(client.find("incident", created.sysId()).isEmpty());
        ApiException gone = failure(() -> client.get("incident", created.sysId()));
        assertEquals(Problem.NOT_FOUND, gone.problem());
        assertEquals("ServiceNow has no incident record " + created.sysId() + ", or the user may not read it.", gone.getMessage());
    }

    @Test
    void referencesComeBackAsPlainSysIds() {
        String group = client.resolveReference("sys_user_group", "name", "Platform Team");
        SnRecord inc = client.create("incident", Map.of("assignment_group", group));
        assertEquals(group, inc.get("assignment_group"));
        assertEquals(group, client.resolveReference("sys_user_group", "name", group));
    }

    @Test
    void unknownOrAmbiguousReferencesAreNamed() {
        assertEquals("ServiceNow has no sys_user_group whose name is 'Nobody'; check the name or give its sys_id.",
                failure(() -> client.resolveReference("sys_user_group", "name", "Nobody")).getMessage());
        sim.serviceNow().insert("cmdb_ci", Map.of("name", "twin"));
        sim.serviceNow().insert("cmdb_ci", Map.of("name", "twin"));
        assertEquals("Several cmdb_ci records have the name 'twin'; give the sys_id of the one you mean.",
                failure(() -> client.resolveReference("cmdb_ci", "name", "twin")).getMessage());
    }

    @Test
    void pagesAndStreamsWalkEveryRowOnce() {
        for (int i = 0; i < 23; i++) {
            client.create("incident", Map.of("short_description", "paged", "correlation_id", "p" + i));
        }
        Page first = client.page("incident", TableQuery.where("short_description").is("paged"), 0, 10, "sys_id");
        assertEquals(10, first.records().size());
        assertEquals(23, first.total());
        assertEquals(10, first.nextOffset());
        List<String> all = client.stream("incident", TableQuery.where("short_description").is("paged").orderBy("correlation_id"), 10,
                "correlation_id").map(r -> r.get("correlation_id")).collect(Collectors.toList());
        assertEquals(23, all.size());
        assertEquals(23, all.stream().distinct().count());
        assertEquals(3, sim.requests().matching(r -> r.method().equals("GET") && r.query().contains("sysparm_offset")
                && r.query().contains("ORDERBY")).size());
        assertEquals(0, client.query("incident", TableQuery.where("short_description").is("none"), 10).size());
    }

    @Test
    void ticketsAreFoundByNumber() {
        SnRecord inc = client.create("incident", Map.of());
        assertEquals(inc.sysId(), client.findByNumber(inc.number().toLowerCase()).orElseThrow().sysId());
        assertEquals(inc.sysId(), client.findByNumber(inc.number(), "sys_id").orElseThrow().sysId());
        assertTrue(client.findByNumber("CHG0099999").isEmpty());
        assertEquals("'INC-12' is not a ServiceNow ticket number; use one such as INC0010002, CHG0030001 or CTASK0010001,"
                + " or give the table and sys_id.", failure(() -> client.findByNumber("INC-12")).getMessage());
    }

    @Test
    void badNamesAreRefusedBeforeSending() {
        assertTrue(failure(() -> client.get("Incident; drop", "x")).getMessage().contains("is not a ServiceNow table name"));
        assertEquals("'abc' is not a ServiceNow sys_id (32 hexadecimal characters).", failure(() -> client.get("incident", "abc")).getMessage());
        assertTrue(failure(() -> TableQuery.where("short_description").is("a^b")).getMessage().contains("'^'"));
        assertTrue(failure(() -> TableQuery.where("state").in("1", "2,3")).getMessage().contains("','"));
        assertTrue(failure(() -> TableQuery.where("Short Description")).getMessage().contains("is not a ServiceNow field name"));
        assertTrue(sim.requests().all().isEmpty());
    }

    @Test
    void serviceNowErrorsBecomeSentences() {
        assertEquals("ServiceNow has no table named 'incidnet'.",
                failure(() -> client.query("incidnet", TableQuery.all(), 1)).getMessage());
        ApiException auth = failure(() -> client("jenkins", "wrong").query("incident", TableQuery.all(), 1));
        assertEquals(Problem.BAD_CREDENTIALS, auth.problem());
        assertEquals("ServiceNow at 127.0.0.1 did not accept the credentials; check the user name and password (or token) of the Jenkins credential.",
                auth.getMessage());
        ApiException role = failure(() -> client("readonly", "readonly").create("incident", Map.of()));
        assertEquals(Problem.FORBIDDEN, role.problem());
        assertEquals("The ServiceNow user may not create a record in incident; give it the needed role (itil for incidents, itil or change_manager for changes).",
                role.getMessage());
        SnRecord inc = client.create("incident", Map.of());
        ApiException policy = failure(() -> client.update("incident", inc.sysId(), Map.of("state", "6")));
        assertEquals(Problem.REFUSED, policy.problem());
        assertEquals("ServiceNow refused to update incident " + inc.sysId() + ": the following fields are mandatory: Resolution code, Close notes.",
                policy.getMessage());
    }

    @Test
    void persistentRateLimitingAndOutagesBecomeSentences() {
        sim.faults().on("GET", "/api/now/table/incident").retryAfter(5).respond(429);
        ApiException limited = failure(() -> client.query("incident", TableQuery.all(), 1));
        assertEquals(Problem.RATE_LIMITED, limited.problem());
        assertEquals("ServiceNow is rate limiting this user; try again in 5 seconds or ask the ServiceNow admin to raise the REST rate limit.",
                limited.getMessage());
        sim.faults().clear();
        sim.faults().on("GET", "/api/now/table/incident").respond(503);
        ApiException down = failure(() -> client.query("incident", TableQuery.all(), 1));
        assertEquals("ServiceNow failed with HTTP 503 while trying to list incident; try again later.", down.getMessage());
    }

    @Test
    void aWrongInstanceUrlIsNamed() {
        ServiceNowClient wrong = new ServiceNowClient(sim.baseUrl() + "/somewhere", true, new BasicAuthentication("jenkins", SecretValue.of("jenkins")),
                HttpSettings.defaults("x"));
        ApiException e = failure(() -> wrong.query("incident", TableQuery.all(), 1));
        assertEquals(Problem.NOT_FOUND, e.problem());
        assertEquals("ServiceNow at 127.0.0.1 has no such API; check the instance URL.", e.getMessage());
    }

    @Test
    void aCreateLostOnTheWayBackIsReusedNotRepeated() {
        sim.faults().on("POST", "/api/now/table/incident").times(1).afterProcessing().drop();
        Created c = client.create("incident", Map.of("correlation_id", "jenkins:x", "short_description", "once"),
                TableQuery.where("correlation_id").is("jenkins:x").and("active").is("true"), r -> "jenkins:x".equals(r.get("correlation_id")));
        assertTrue(c.reused());
        assertEquals("once", c.record().get("short_description"));
        assertEquals(1, sim.serviceNow().records("incident").size());
    }

    @Test
    void aCreateRefusedByTheGatewayIsSentAgainOnce() {
        sim.faults().on("POST", "/api/now/table/incident").times(2).respond(502);
        Created c = client.create("incident", Map.of("correlation_id", "jenkins:y"),
                TableQuery.where("correlation_id").is("jenkins:y"), r -> "jenkins:y".equals(r.get("correlation_id")));
        assertFalse(c.reused());
        assertEquals(1, sim.serviceNow().records("incident").size());
    }

    @Test
    void theReuseCheckGuardsAgainstAnIgnoredQuery() {
        client.create("incident", Map.of("correlation_id", "someone-else"));
        sim.faults().on("POST", "/api/now/table/incident").times(1).respond(504);
        // a typo'd field makes ServiceNow ignore the condition and return every row; the check rejects them
        Created c = client.create("incident", Map.of("correlation_id", "mine"),
                TableQuery.where("correlation_idd").is("mine"), r -> "mine".equals(r.get("correlation_id")));
        assertFalse(c.reused());
        assertEquals("mine", c.record().get("correlation_id"));
        assertEquals(2, sim.serviceNow().records("incident").size());
    }

    @Test
    void attachmentsStreamFromAFileAndARetryReadsItAgain(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        SnRecord inc = client.create("incident", Map.of("short_description", "x"));
        java.nio.file.Path report = dir.resolve("report.txt");
        byte[] content = "line\n".repeat(50_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.file.Files.write(report, content);
        java.util.concurrent.atomic.AtomicInteger opens = new java.util.concurrent.atomic.AtomicInteger();
        io.jenkins.plugins.servicenowflashduty.client.http.Body body = io.jenkins.plugins.servicenowflashduty.client.http.Body.stream(
                content.length, () -> {
                    opens.incrementAndGet();
                    return java.nio.file.Files.newInputStream(report);
                });
        sim.faults().on("POST", "/api/now/attachment/file").times(1).respond(503);
        SnRecord attached = client.attach("incident", inc.sysId(), "report.txt", "text/plain", body);
        assertEquals(2, opens.get());
        assertEquals(Integer.toString(content.length), attached.get("size_bytes"));
        assertEquals(1, client.attachments("incident", inc.sysId()).size());
    }

    @Test
    void anAttachmentOverTheLimitIsRefusedBeforeAnythingIsRead() {
        SnRecord inc = client.create("incident", Map.of("short_description", "x"));
        java.util.concurrent.atomic.AtomicInteger opens = new java.util.concurrent.atomic.AtomicInteger();
        ApiException e = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class, () -> client.attach("incident", inc.sysId(),
                "huge.log", null, io.jenkins.plugins.servicenowflashduty.client.http.Body.stream(ServiceNowClient.MAX_ATTACHMENT_BYTES + 1, () -> {
                    opens.incrementAndGet();
                    return java.io.InputStream.nullInputStream();
                })));
        assertEquals(Problem.INVALID_INPUT, e.problem());
        assertEquals("huge.log is 10485761 bytes; ServiceNow accepts at most 10485760 bytes (10 MiB) per request, so compress or split it.",
                e.getMessage());
        assertEquals(0, opens.get());
    }
}
