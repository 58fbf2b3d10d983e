package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SimulatorExtension.class)
class TableApiTest {
    private Simulator sim;
    private SimHttp http;

    @BeforeEach
    void start(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
    }

    private JsonNode createIncident(String json) {
        SimHttp.Reply r = http.post("/api/now/table/incident", json);
        assertEquals(201, r.status(), r.body());
        return r.result();
    }

    @Test
    void createAnswers201WithLocationNumberAndDefaults() {
        SimHttp.Reply r = http.post("/api/now/table/incident", "{\"short_description\":\"Build #42 failed\"}");
        assertEquals(201, r.status());
        JsonNode inc = r.result();
        String sysId = inc.get("sys_id").asText();
        assertTrue(sysId.matches("[0-9a-f]{32}"), sysId);
        assertEquals(sim.baseUrl() + "/api/now/table/incident/" + sysId, r.header("Location"));
        assertTrue(inc.get("number").asText().matches("INC\\d{7}"), inc.get("number").asText());
        assertEquals("1", inc.get("state").asText());
        assertEquals("3", inc.get("impact").asText());
        assertEquals("5", inc.get("priority").asText());
        assertEquals("true", inc.get("active").asText());
        assertEquals("not requested", inc.get("approval").asText());
        assertEquals("jenkins", inc.get("sys_created_by").asText());
        assertTrue(inc.get("sys_created_on").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));
        assertTrue(r.header("Content-Type").startsWith("application/json"));
    }

    @Test
    void numbersFollowEachOtherPerTable() {
        int a = Integer.parseInt(createIncident("{}").get("number").asText().substring(3));
        int b = Integer.parseInt(createIncident("{}").get("number").asText().substring(3));
        assertEquals(a + 1, b);
        JsonNode chg = http.post("/api/now/table/change_request", "{\"short_description\":\"x\"}").result();
        assertTrue(chg.get("number").asText().startsWith("CHG003"), chg.get("number").asText());
        JsonNode task = http.post("/api/now/table/change_task", "{\"change_request\":\"" + chg.get("sys_id").asText() + "\"}").result();
        assertTrue(task.get("number").asText().startsWith("CTASK"), task.get("number").asText());
    }

    @Test
    void unknownFieldsAreIgnoredAndValuesComeBackAsStrings() {
        JsonNode inc = createIncident("{\"short_description\":\"x\",\"no_such_field\":\"y\",\"impact\":2,\"urgency\":1}");
        assertFalse(inc.has("no_such_field"));
        assertEquals("2", inc.get("impact").asText());
        assertTrue(inc.get("impact").isTextual());
        assertEquals("2", inc.get("priority").asText()); // impact 2 x urgency 1
    }

    @Test
    void getPatchPutAndDeleteOneRecord() {
        String id = createIncident("{\"short_description\":\"before\"}").get("sys_id").asText();
        assertEquals("before", http.get("/api/now/table/incident/" + id).result().get("short_description").asText());
        SimHttp.Reply patched = http.patch("/api/now/table/incident/" + id, "{\"short_description\":\"after\"}");
        assertEquals(200, patched.status());
        assertEquals("after", patched.result().get("short_description").asText());
        assertEquals("1", patched.result().get("sys_mod_count").asText());
        SimHttp.Reply put = http.send("PUT", "/api/now/table/incident/" + id, "{\"description\":\"more\"}", "application/json");
        assertEquals(200, put.status());
        assertEquals("after", put.result().get("short_description").asText()); // PUT only changes what it sends
        assertEquals("more", put.result().get("description").asText());
        SimHttp.Reply deleted = http.delete("/api/now/table/incident/" + id);
        assertEquals(204, deleted.status());
        assertEquals("", deleted.body());
        SimHttp.Reply gone = http.get("/api/now/table/incident/" + id);
        assertEquals(404, gone.status());
        assertEquals("No Record found", gone.errorMessage());
        assertEquals("failure", gone.json().get("status").asText());
    }

    @Test
    void unknownTableIs400InvalidTable() {
        SimHttp.Reply r = http.get("/api/now/table/incidnet");
        assertEquals(400, r.status());
        assertEquals("Invalid table incidnet", r.errorMessage());
        assertTrue(r.json().get("error").get("detail").isNull());
    }

    @Test
    void badSysIdIs404() {
        assertEquals(404, http.get("/api/now/table/incident/not-a-sys-id").status());
        assertEquals(404, http.get("/api/now/table/incident/0123456789abcdef0123456789abcdef").status());
        assertEquals(404, http.patch("/api/now/table/incident/0123456789abcdef0123456789abcdef", "{}").status());
    }

    @Test
    void malformedJsonIs400() {
        SimHttp.Reply r = http.post("/api/now/table/incident", "{\"short_description\": ");
        assertEquals(400, r.status());
        assertEquals("Exception while reading request", r.errorMessage());
        assertTrue(r.errorDetail().contains("not valid JSON"), r.errorDetail());
    }

    @Test
    void payloadOverTenMegabytesIsRejected() {
        String big = "{\"description\":\"" + "x".repeat(10 * 1024 * 1024) + "\"}";
        SimHttp.Reply r = http.post("/api/now/table/incident", big);
        assertEquals(400, r.status());
        assertTrue(r.errorDetail().contains("Max allowed: 10485760 bytes"), r.errorDetail());
    }

    @Test
    void longTextIsTruncatedToTheColumnLength() {
        JsonNode inc = createIncident("{\"short_description\":\"" + "é".repeat(200) + "\"}");
        assertEquals(160, inc.get("short_description").asText().length());
    }

    @Test
    void listPagesWithTotalCountAndLinkHeader() {
        String tag = "page-" + System.nanoTime();
        for (int i = 0; i < 5; i++) {
            createIncident("{\"short_description\":\"" + tag + " " + i + "\"}");
        }
        SimHttp.Reply page = http.get("/api/now/table/incident?sysparm_query=short_descriptionSTARTSWITH" + tag
                + "^ORDERBYshort_description&sysparm_limit=2&sysparm_offset=2");
        assertEquals(200, page.status());
        assertEquals("5", page.header("X-Total-Count"));
        assertEquals(2, page.result().size());
        assertEquals(tag + " 2", page.result().get(0).get("short_description").asText());
        String link = page.header("Link");
        assertTrue(link.contains("sysparm_offset=4&sysparm_limit=2>;rel=\"next\""), link);
        assertTrue(link.contains("sysparm_offset=0&sysparm_limit=2>;rel=\"prev\""), link);
        assertTrue(link.contains("rel=\"first\"") && link.contains("rel=\"last\""), link);
        assertTrue(link.contains("sysparm_query="), link);

        SimHttp.Reply last = http.get("/api/now/table/incident?sysparm_query=short_descriptionSTARTSWITH" + tag + "&sysparm_limit=2&sysparm_offset=4");
        assertFalse(last.header("Link").contains("rel=\"next\""));
        SimHttp.Reply single = http.get("/api/now/table/incident?sysparm_query=short_descriptionSTARTSWITH" + tag);
        assertNull(single.header("Link"));
        SimHttp.Reply suppressed = http.get("/api/now/table/incident?sysparm_query=short_descriptionSTARTSWITH" + tag
                + "&sysparm_limit=1&sysparm_suppress_pagination_header=true&sysparm_no_count=true");
        assertNull(suppressed.header("Link"));
        assertNull(suppressed.header("X-Total-Count"));
    }

    @Test
    void followingNextLinksVisitsEveryRowOnce() {
        String tag = "walk-" + System.nanoTime();
        for (int i = 0; i < 7; i++) {
            createIncident("{\"short_description\":\"" + tag + "\"}");
        }
        List<String> seen = new ArrayList<>();
        String path = "/api/now/table/incident?sysparm_query=short_description=" + tag + "&sysparm_limit=3";
        while (path != null) {
            SimHttp.Reply r = http.get(path);
            r.result().forEach(n -> seen.add(n.get("sys_id").asText()));
            path = next(r.header("Link"));
        }
        assertEquals(7, seen.size());
        assertEquals(7, seen.stream().distinct().count());
    }

    private String next(String link) {
        if (link == null) {
            return null;
        }
        for (String part : link.split(",")) {
            if (part.contains("rel=\"next\"")) {
                String url = part.substring(part.indexOf('<') + 1, part.indexOf('>'));
                return url.substring(sim.baseUrl().length());
            }
        }
        return null;
    }

    @Test
    void emptyListIs200UnderV2AndUnversionedBut404UnderV1() {
        String q = "?sysparm_query=short_description=nothing-matches-this";
        SimHttp.Reply v2 = http.get("/api/now/v2/table/incident" + q);
        assertEquals(200, v2.status());
        assertEquals(0, v2.result().size());
        assertEquals("0", v2.header("X-Total-Count"));
        assertEquals(200, http.get("/api/now/table/incident" + q).status());
        assertEquals(404, http.get("/api/now/v1/table/incident" + q).status());
    }

    @Test
    void sysparmFieldsSelectsColumnsAndDotWalks() {
        JsonNode inc = createIncident("{\"short_description\":\"fields\",\"assignment_group\":\"Platform Team\"}");
        JsonNode got = http.get("/api/now/table/incident/" + inc.get("sys_id").asText()
                + "?sysparm_fields=number,assignment_group.name,bogus").result();
        assertEquals(2, got.size());
        assertEquals("Platform Team", got.get("assignment_group.name").asText());
    }

    @Test
    void displayValueModesAndReferenceLinks() {
        JsonNode inc = createIncident("{\"short_description\":\"dv\",\"assignment_group\":\"Service Desk\",\"impact\":\"1\",\"urgency\":\"1\"}");
        String id = inc.get("sys_id").asText();
        JsonNode group = inc.get("assignment_group");
        assertTrue(group.get("link").asText().startsWith(sim.baseUrl() + "/api/now/table/sys_user_group/"));
        assertTrue(group.get("value").asText().matches("[0-9a-f]{32}"));

        JsonNode plain = http.get("/api/now/table/incident/" + id + "?sysparm_exclude_reference_link=true").result();
        assertEquals(group.get("value").asText(), plain.get("assignment_group").asText());

        JsonNode display = http.get("/api/now/table/incident/" + id + "?sysparm_display_value=true").result();
        assertEquals("1 - Critical", display.get("priority").asText());
        assertEquals("New", display.get("state").asText());
        assertEquals("Service Desk", display.get("assignment_group").get("display_value").asText());

        JsonNode all = http.get("/api/now/table/incident/" + id + "?sysparm_display_value=all").result();
        assertEquals("1", all.get("priority").get("value").asText());
        assertEquals("1 - Critical", all.get("priority").get("display_value").asText());
        assertEquals("Service Desk", all.get("assignment_group").get("display_value").asText());
        assertEquals(group.get("value").asText(), all.get("assignment_group").get("value").asText());
        assertTrue(all.get("assignment_group").has("link"));
    }

    @Test
    void nameValuePairsFilterByValueOrDisplayValue() {
        String tag = "pair-" + System.nanoTime();
        createIncident("{\"short_description\":\"" + tag + "\",\"urgency\":\"1\"}");
        createIncident("{\"short_description\":\"" + tag + "\",\"urgency\":\"3\"}");
        assertEquals(1, http.get("/api/now/table/incident?short_description=" + tag + "&urgency=1").result().size());
        assertEquals(1, http.get("/api/now/table/incident?short_description=" + tag + "&urgency=3%20-%20Low").result().size());
    }

    @Test
    void noResponseBodyHeaderAndMethodOverride() {
        SimHttp.Reply r = http.send("POST", "/api/now/table/incident", "{\"short_description\":\"quiet\"}", "application/json",
                "X-no-response-body", "true");
        assertEquals(201, r.status());
        assertEquals("", r.body());
        String id = r.header("Location").substring(r.header("Location").lastIndexOf('/') + 1);
        SimHttp.Reply overridden = http.send("POST", "/api/now/table/incident/" + id, "{\"short_description\":\"loud\"}",
                "application/json", "X-http-method-override", "PATCH");
        assertEquals(200, overridden.status());
        assertEquals("loud", overridden.result().get("short_description").asText());
    }

    @Test
    void arrayBodyProcessesOnlyTheFirstRecord() {
        String tag = "array-" + System.nanoTime();
        http.post("/api/now/table/incident", "[{\"short_description\":\"" + tag + "\"},{\"short_description\":\"" + tag + "\"}]");
        assertEquals(1, sim.serviceNow().query("incident", "short_description=" + tag).size());
    }

    @Test
    void clientSuppliedSysIdIsKeptAndAClashIs403() {
        String id = "abcdefabcdefabcdefabcdefabcdef01";
        assertEquals(id, createIncident("{\"sys_id\":\"" + id + "\"}").get("sys_id").asText());
        SimHttp.Reply clash = http.post("/api/now/table/incident", "{\"sys_id\":\"" + id + "\"}");
        assertEquals(403, clash.status());
        assertEquals("Error during insert of incident (" + id + ")", clash.errorDetail());
    }

    @Test
    void pathsThatAreNoApiAre400() {
        SimHttp.Reply r = http.get("/api/now/tablez/incident");
        assertEquals(400, r.status());
        assertEquals("Requested URI does not represent any resource", r.errorMessage());
        assertEquals(405, http.post("/api/now/table/incident/abcdefabcdefabcdefabcdefabcdef01", "{}").status());
    }
}
