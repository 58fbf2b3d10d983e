package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

/** Which roles may read and write which tables, close to a default instance's ACLs. */
final class Acl {
    private Acl() {
    }

    static boolean canRead(Actor actor, String table) {
        return switch (table) {
            case "incident" -> actor.hasAny("itil", "sn_incident_read", "sn_incident_write");
            case "change_request", "change_task" -> actor.hasAny("itil", "change_manager", "sn_change_read");
            case "sys_journal_field", "sys_attachment" -> actor.hasAny("itil", "change_manager");
            default -> true;
        };
    }

    static boolean canWrite(Actor actor, String table) {
        return switch (table) {
            case "incident" -> actor.hasAny("itil", "sn_incident_write");
            case "change_request", "change_task" -> actor.hasAny("itil", "change_manager");
            default -> actor.hasAny("admin");
        };
    }

    static void requireWrite(Actor actor, String table, String operation) {
        if (!canWrite(actor, table)) {
            throw SnErrors.aclDenied(operation);
        }
    }
}
