package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

/** Which roles may read and write which tables, close to a default instance's ACLs. */
final class Acl {
    private Acl() {
    }

    static boolean canRead(Actor actor, String table) {
        return switch (table) {
            case "incident" -> actor.hasAny("itil", "sn_incident_read", "sn_incident_write");
            case "change_request", "change_task" -> actor.hasAny("itil", "change_manager", "sn_change_read", "sn_change_write");
            case "sys_journal_field", "sys_attachment" -> actor.hasAny("itil", "change_manager");
            // as on an instance: reading the dictionary takes a personalize role (integrations rarely have it)
            case "sys_dictionary", "sys_db_object" -> actor.hasAny("admin", "personalize_dictionary", "personalize_read_dictionary");
            default -> true;
        };
    }

    static boolean canWrite(Actor actor, String table) {
        return switch (table) {
            case "incident" -> actor.hasAny("itil", "sn_incident_write");
            case "change_request", "change_task", "task_ci" -> actor.hasAny("itil", "change_manager", "sn_change_write");
            default -> actor.hasAny("admin");
        };
    }

    static void requireWrite(Actor actor, String table, String operation) {
        if (!canWrite(actor, table)) {
            throw SnErrors.aclDenied(operation);
        }
    }
}
