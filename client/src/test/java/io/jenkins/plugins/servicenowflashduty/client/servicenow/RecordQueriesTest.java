package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.query.RecordQueries;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecordQueriesTest {
    private Simulator sim;
    private RecordQueries queries;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        queries = new RecordQueries(SimulatedInstance.client(sim));
        for (int i = 1; i <= 1205; i++) {
            sim.serviceNow().insert("incident", Map.of("short_description", "row " + i, "urgency", i % 3 == 0 ? "1" : "3"));
        }
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void returnsPlainMapsAcrossPages() {
        List<Map<String, String>> rows = queries.run("incident", "urgency=1^ORDERBYnumber", List.of("number", " short_description "), 10_000);
        assertEquals(401, rows.size());
        assertEquals(Map.of("number", rows.get(0).get("number"), "short_description", "row 3"), rows.get(0));
        // one record to learn the columns (the integration user may not read the dictionary), then the query
        assertEquals(2, sim.requests().matching("GET", "/api/now/table/incident").size());
        sim.requests().clear();
        assertEquals(1100, queries.run("incident", "", List.of("number"), 1100).size());
        assertEquals(2, sim.requests().matching("GET", "/api/now/table/incident").size()); // pages of 1000
        assertEquals(5, queries.run("incident", "", List.of(), 5).size());
    }

    @Test
    void badArgumentsAreOneSentence() {
        assertEquals("The limit must be between 1 and 10000, not 0.", assertThrows(ApiException.class,
                () -> queries.run("incident", "", List.of(), 0)).getMessage());
        assertEquals("'Short Description' is not a ServiceNow field name; use the column name, e.g. short_description.",
                assertThrows(ApiException.class, () -> queries.run("incident", "", List.of("Short Description"), 5)).getMessage());
        assertEquals("The encoded query must be on one line.", assertThrows(ApiException.class,
                () -> queries.run("incident", "a=1\n^b=2", List.of(), 5)).getMessage());
        assertEquals("ServiceNow has no table named 'incidents'.", assertThrows(ApiException.class,
                () -> queries.run("incidents", "", List.of(), 5)).getMessage());
    }
}
