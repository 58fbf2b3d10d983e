package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRequest;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeType;
import io.jenkins.plugins.servicenowflashduty.client.change.Changes;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest;
import io.jenkins.plugins.servicenowflashduty.client.incident.Incidents;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.query.RecordQueries;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A query naming a field the table does not have is refused before ServiceNow (which would drop the condition and
 * answer with every row) sees it. The fields come from the dictionary, with the tables a table extends, for a user who
 * may read it (admin, personalize_dictionary); for one who may not (an integration user with itil), from one of the
 * table's records.
 */
class TableColumnsTest {
    private static final BuildContext BUILD = new BuildContext("team/deploy", 3, "https://ci.example.com/job/team/job/deploy/3/", "FAILURE",
            "", "", "ci.example.com");
    private Simulator sim;

    @BeforeEach
    void start() {
        sim = Simulator.start();
        sim.serviceNow().insert("incident", Map.of("short_description", "disk full", "urgency", "1"));
        sim.serviceNow().insert("incident", Map.of("short_description", "slow page", "urgency", "3"));
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    /** "admin" reads the dictionary; "jenkins" (itil, change_manager) may not, and learns the columns from a record. */
    private ServiceNowClient as(String user) {
        return SimulatedInstance.client(sim, user, user.equals("admin") ? "admin" : "jenkins");
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin", "jenkins"})
    void aQueryOnAFieldTheTableDoesNotHaveIsRefusedInsteadOfAnsweringEveryRow(String user) {
        ApiException e = assertThrows(ApiException.class, () -> new RecordQueries(as(user)).run("incident", "no_such_field=1", List.of(), 100));
        assertEquals("The table incident has no field 'no_such_field', which the query names; ServiceNow would ignore that condition"
                + " and return every row. Check the field's name.", e.getMessage());
        assertEquals(Problem.INVALID_INPUT, e.problem());
        assertTrue(sim.requests().matching(r -> r.query().contains("no_such_field")).isEmpty(), "the query itself was never sent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"admin", "jenkins"})
    void fieldsOfTheTablesItExtendsDotWalksOrderingAndOrConditionsAreKnown(String user) {
        List<Map<String, String>> rows = new RecordQueries(as(user)).run("incident",
                "urgency=1^ORshort_descriptionLIKEslow^caller_id.nameISEMPTY^ORDERBYDESCnumber^sys_created_onISNOTEMPTY",
                List.of("number", "short_description", "caller_id.name"), 100);
        assertEquals(2, rows.size()); // number and short_description are task's columns: incident extends task
        ApiException e = assertThrows(ApiException.class,
                () -> new RecordQueries(as(user)).run("incident", "active=true", List.of("number", "short_descripton"), 10));
        assertEquals("The table incident has no field 'short_descripton' (in fields:); ServiceNow would ignore it. Check the field's name.",
                e.getMessage());
    }

    @Test
    void theColumnsAreLearntOnceAndKeptForEveryCopyOfTheClient() {
        ServiceNowClient client = as("jenkins");
        new RecordQueries(client).run("incident", "active=true", List.of(), 10);
        int before = sim.requests().all().size();
        new RecordQueries(client.withListener(event -> { })).run("incident", "urgency=1", List.of("number"), 10);
        assertEquals(before + 1, sim.requests().all().size(), "only the query itself");
    }

    @Test
    void aTableWithoutARecordTheUserMayReadHasNothingToCheckAndNothingToReturn() {
        assertEquals(List.of(), new RecordQueries(as("jenkins")).run("change_task", "no_such_field=1", List.of(), 10));
    }

    @Test
    void anUnknownTableIsOneSentence() {
        ApiException e = assertThrows(ApiException.class, () -> new RecordQueries(as("jenkins")).run("incidnet", "active=true", List.of(), 10));
        assertEquals("ServiceNow has no table named 'incidnet'.", e.getMessage());
    }

    @Test
    void theFieldsOfAnEncodedQueryAreFoundWhateverTheOperator() {
        assertEquals(List.of("active", "priority", "name", "number", "caller_id.name", "state"),
                TableColumns.fieldsOf("active=true^priority<=2^ORnameSTARTSWITHweb^ORDERBYnumber^NQcaller_id.nameISEMPTY^EQ^stateIN1,2"));
    }

    @Test
    void extraFieldsOfAnIncidentThatTheTableDoesNotHaveAreRefusedBeforeTheWrite() {
        int before = sim.serviceNow().records("incident").size();
        IncidentRequest request = new IncidentRequest(null, null, null, null, null, null, null, null, null, null,
                Map.of("contact_typ", "monitoring"), null);
        ApiException e = assertThrows(ApiException.class, () -> new Incidents(as("jenkins")).raise(BUILD, request));
        assertEquals("The table incident has no field 'contact_typ' (in fields:); ServiceNow would ignore it. Check the field's name.", e.getMessage());
        assertEquals(before, sim.serviceNow().records("incident").size(), "nothing written");
    }

    @Test
    void anInstanceWithoutTheChangeApiRefusesAChangeFieldItWouldDropWithoutAWord() {
        sim.serviceNow().setChangeApiInstalled(false);
        sim.serviceNow().insert("change_request", Map.of("short_description", "an earlier change"));
        ChangeRequest misspelt = new ChangeRequest(ChangeType.NORMAL, null, "Deploy", null, null, null, null, null, null, null, null, null,
                null, Map.of("categroy", "Software"));
        ApiException e = assertThrows(ApiException.class, () -> new Changes(as("jenkins")).open(BUILD, misspelt));
        assertEquals("The table change_request has no field 'categroy' (in fields:); ServiceNow would ignore it. Check the field's name.",
                e.getMessage());
        assertEquals(1, sim.serviceNow().records("change_request").size());
    }
}
