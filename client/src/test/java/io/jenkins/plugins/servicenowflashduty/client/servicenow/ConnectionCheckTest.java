package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import org.junit.jupiter.api.Test;

/** The configuration page's test button against the sandbox's users. */
class ConnectionCheckTest {

    @Test
    void saysWhoSignedInAndWhichRolesAreMissing() {
        try (Simulator sim = Simulator.start()) {
            String jenkins = ConnectionCheck.run(SimulatedInstance.client(sim));
            assertTrue(jenkins.startsWith("Connected to 127.0.0.1 as jenkins ("), jenkins);
            assertEquals("It has the roles incidents and changes need. It cannot read the dictionary (sys_dictionary and sys_db_object,"
                    + " role personalize_dictionary), so the plugin learns a table's fields from one of its records to check the names"
                    + " pipelines give.", tail(jenkins));
            assertEquals("It has the admin role, which covers incidents and changes.",
                    tail(ConnectionCheck.run(SimulatedInstance.client(sim, "admin", "admin"))));
            sim.serviceNow().addUser("reporter", "reporter", "Read Only Reporter", "itil_reader");
            assertTrue(tail(ConnectionCheck.run(SimulatedInstance.client(sim, "reporter", "reporter"))).startsWith("It lacks the role itil"
                    + " or sn_incident_write (for incidents) and itil, change_manager or sn_change_write (for changes)."));
            sim.serviceNow().addUser("scoped", "scoped", "Scoped Writer", "sn_incident_write", "sn_change_write");
            assertTrue(tail(ConnectionCheck.run(SimulatedInstance.client(sim, "scoped", "scoped"))).startsWith(
                    "It has the roles incidents and changes need."), "the roles ServiceNow documents for writing");
            ApiException wrong = assertThrows(ApiException.class, () -> ConnectionCheck.run(SimulatedInstance.client(sim, "jenkins", "nope")));
            assertEquals(Problem.BAD_CREDENTIALS, wrong.problem());
        }
    }

    private static String tail(String sentences) {
        return sentences.substring(sentences.indexOf(". ") + 2);
    }
}
