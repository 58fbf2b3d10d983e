package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.query.RecordQueries;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A query naming a field the table does not have is refused before ServiceNow (which would drop the condition and
 * answer with every row) sees it; the fields come from the dictionary, with the tables a table extends.
 */
class TableColumnsTest {
    private Simulator sim;
    private ServiceNowClient client;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        client = SimulatedInstance.client(sim);
        sim.serviceNow().insert("incident", Map.of("short_description", "disk full", "urgency", "1"));
        sim.serviceNow().insert("incident", Map.of("short_description", "slow page", "urgency", "3"));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void aQueryOnAFieldTheTableDoesNotHaveIsRefusedInsteadOfAnsweringEveryRow() {
        ApiException e = assertThrows(ApiException.class, () -> new RecordQueries(client).run("incident", "no_such_field=1", List.of(), 100));
        assertEquals("The table incident has no field 'no_such_field', which the query names; ServiceNow would ignore that condition"
                + " and return every row. Check the field's name.", e.getMessage());
        assertEquals(Problem.INVALID_INPUT, e.problem());
        assertTrue(sim.requests().matching(r -> r.path().equals("/api/now/table/incident")).isEmpty(), "the table itself was never asked");
    }

    @Test
    void fieldsOfTheTablesItExtendsDotWalksOrderingAndOrConditionsAreKnown() {
        List<Map<String, String>> rows = new RecordQueries(client).run("incident",
                "urgency=1^ORshort_descriptionLIKEslow^caller_id.nameISEMPTY^ORDERBYDESCnumber^sys_created_onISNOTEMPTY",
                List.of("number", "short_description", "caller_id.name"), 100);
        assertEquals(2, rows.size()); // number and short_description are task's columns: incident extends task
        ApiException e = assertThrows(ApiException.class,
                () -> new RecordQueries(client).run("incident", "active=true", List.of("number", "short_descripton"), 10));
        assertEquals("The table incident has no field 'short_descripton' (in fields:); ServiceNow would ignore it. Check the field's name.",
                e.getMessage());
    }

    @Test
    void theDictionaryIsReadOnceAndKeptForEveryCopyOfTheClient() {
        new RecordQueries(client).run("incident", "active=true", List.of(), 10);
        int dictionaryReads = sim.requests().matching(r -> r.path().startsWith("/api/now/table/sys_")).size();
        new RecordQueries(client.withListener(event -> { })).run("incident", "urgency=1", List.of("number"), 10);
        assertEquals(dictionaryReads, sim.requests().matching(r -> r.path().startsWith("/api/now/table/sys_")).size());
    }

    @Test
    void anUnknownTableIsOneSentence() {
        ApiException e = assertThrows(ApiException.class, () -> new RecordQueries(client).run("incidnet", "active=true", List.of(), 10));
        assertEquals("ServiceNow has no table named 'incidnet'.", e.getMessage());
    }

    @Test
    void theFieldsOfAnEncodedQueryAreFoundWhateverTheOperator() {
        assertEquals(List.of("active", "priority", "name", "number", "caller_id.name", "state"),
                TableColumns.fieldsOf("active=true^priority<=2^ORnameSTARTSWITHweb^ORDERBYnumber^NQcaller_id.nameISEMPTY^EQ^stateIN1,2"));
    }

    @Test
    void extraFieldsOfAnIncidentOrAChangeThatTheTableDoesNotHaveAreRefusedBeforeTheWrite() {
        io.jenkins.plugins.servicenowflashduty.client.job.BuildContext build = new io.jenkins.plugins.servicenowflashduty.client.job.BuildContext(
                "team/deploy", 3, "https://ci.example.com/job/team/job/deploy/3/", "FAILURE", "", "", "ci.example.com");
        int before = sim.serviceNow().records("incident").size();
        io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest request = new io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest(
                null, null, null, null, null, null, null, null, null, null, Map.of("contact_typ", "monitoring"), null);
        ApiException e = assertThrows(ApiException.class,
                () -> new io.jenkins.plugins.servicenowflashduty.client.incident.Incidents(client).raise(build, request));
        assertEquals("The table incident has no field 'contact_typ' (in fields:); ServiceNow would ignore it. Check the field's name.", e.getMessage());
        assertEquals(before, sim.serviceNow().records("incident").size(), "nothing written");
    }

    @Test
    void anInstanceWithoutTheChangeApiRefusesAChangeFieldItWouldDropWithoutAWord() {
        sim.serviceNow().setChangeApiInstalled(false);
        io.jenkins.plugins.servicenowflashduty.client.change.ChangeRequest misspelt = new io.jenkins.plugins.servicenowflashduty.client.change.ChangeRequest(
                io.jenkins.plugins.servicenowflashduty.client.change.ChangeType.NORMAL, null, "Deploy", null, null, null, null, null, null,
                null, null, null, null, Map.of("categroy", "Software"));
        io.jenkins.plugins.servicenowflashduty.client.job.BuildContext build = new io.jenkins.plugins.servicenowflashduty.client.job.BuildContext(
                "team/deploy", 3, "https://ci.example.com/job/team/job/deploy/3/", "", "", "", "ci.example.com");
        ApiException e = assertThrows(ApiException.class,
                () -> new io.jenkins.plugins.servicenowflashduty.client.change.Changes(client).open(build, misspelt));
        assertEquals("The table change_request has no field 'categroy' (in fields:); ServiceNow would ignore it. Check the field's name.",
                e.getMessage());
        assertTrue(sim.serviceNow().records("change_request").isEmpty());
    }
}
