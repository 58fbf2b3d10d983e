package io.jenkins.plugins.servicenowflashduty.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The encoded-query subset integrations use, evaluated by the simulator as ServiceNow does. */
@ExtendWith(SimulatorExtension.class)
class EncodedQueryOverHttpTest {
    private Simulator sim;
    private SimHttp http;
    private String tag;

    @BeforeEach
    void seed(Simulator sim, SimHttp http) {
        this.sim = sim;
        this.http = http;
        tag = "q" + System.nanoTime();
        // impact/urgency pairs give priorities 1..5; correlation ids on two of them
        String[][] rows = {{"1", "1", "alpha deploy", "jenkins:a"}, {"2", "2", "beta deploy", ""}, {"3", "3", "gamma", "jenkins:c"},
            {"2", "3", "delta", ""}};
        for (String[] r : rows) {
            http.post("/api/now/table/incident", "{\"short_description\":\"" + tag + " " + r[2] + "\",\"impact\":\"" + r[0]
                    + "\",\"urgency\":\"" + r[1] + "\",\"correlation_id\":\"" + r[3] + "\",\"assignment_group\":\"Database\"}");
        }
    }

    private List<String> names(String query) {
        SimHttp.Reply r = http.get("/api/now/table/incident?sysparm_query=short_descriptionSTARTSWITH" + tag + "^" + query);
        assertEquals(200, r.status(), r.body());
        List<String> out = new ArrayList<>();
        r.result().forEach(n -> out.add(n.get("short_description").asText().substring(tag.length() + 1)));
        return out;
    }

    @Test
    void equalityAndNegation() {
        assertEquals(List.of("alpha deploy"), names("priority=1"));
        assertEquals(List.of("beta deploy", "gamma", "delta"), names("priority!=1"));
    }

    @Test
    void orWithinAnAndChain() {
        assertEquals(List.of("alpha deploy", "gamma"), names("priority=1^ORpriority=5"));
    }

    @Test
    void newQueryGroupsAreAlternatives() {
        List<String> r = http.get("/api/now/table/incident?sysparm_query=short_description=" + tag + " gamma^NQshort_description="
                + tag + " delta").result().findValuesAsText("short_description");
        assertEquals(List.of(tag + " gamma", tag + " delta"), r);
    }

    @Test
    void textOperators() {
        assertEquals(List.of("alpha deploy", "beta deploy"), names("short_descriptionLIKEDEPLOY"));
        assertEquals(List.of("gamma", "delta"), names("short_descriptionNOT LIKEdeploy"));
        assertEquals(List.of("gamma"), names("short_descriptionENDSWITHmma"));
    }

    @Test
    void inAndNotIn() {
        assertEquals(List.of("alpha deploy", "beta deploy"), names("priorityIN1,3"));
        assertEquals(List.of("gamma", "delta"), names("priorityNOT IN1,3"));
    }

    @Test
    void emptiness() {
        assertEquals(List.of("alpha deploy", "gamma"), names("correlation_idISNOTEMPTY"));
        assertEquals(List.of("beta deploy", "delta"), names("correlation_idISEMPTY"));
    }

    @Test
    void numericComparisonsAndBetween() {
        assertEquals(List.of("alpha deploy", "beta deploy"), names("priority<=3"));
        assertEquals(List.of("gamma", "delta"), names("priority>3"));
        assertEquals(List.of("beta deploy", "delta"), names("priorityBETWEEN3@4"));
    }

    @Test
    void ordering() {
        assertEquals(List.of("gamma", "delta", "beta deploy", "alpha deploy"), names("ORDERBYDESCpriority"));
        assertEquals(List.of("alpha deploy", "beta deploy", "delta", "gamma"), names("ORDERBYshort_description"));
    }

    @Test
    void dotWalkAcrossAReference() {
        assertEquals(4, names("assignment_group.name=Database").size());
        assertEquals(0, names("assignment_group.name=Service Desk").size());
    }

    @Test
    void datesCompareAndJavascriptHelpersWork() {
        assertEquals(4, names("sys_created_on>javascript:gs.daysAgoStart(1)").size());
        assertEquals(0, names("sys_created_on<javascript:gs.daysAgoStart(1)").size());
    }

    @Test
    void invalidPartsAreIgnoredUnlessTheInstanceSaysOtherwise() {
        assertEquals(List.of("alpha deploy"), names("no_such_field=1^priority=1"));
        assertEquals(List.of("alpha deploy"), names("priority=1^short_descriptionBOGUSOPx"));
        sim.serviceNow().setInvalidQueryReturnsNoRows(true);
        try {
            assertEquals(List.of(), names("no_such_field=1^priority=1"));
        } finally {
            sim.serviceNow().setInvalidQueryReturnsNoRows(false);
        }
    }
}
