package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configuration page's "Test connection": reads one incident (as ServiceNow's own integrations do to
 * prove a connection), then says who the plugin signed in as and which roles it lacks for incidents and
 * changes. Failures are the client's usual one-sentence {@link ApiException}s.
 */
public final class ConnectionCheck {
    private ConnectionCheck() {
    }

    /** One or two sentences for the admin; throws when the instance cannot be read at all. */
    public static String run(ServiceNowClient client) {
        client.query("incident", TableQuery.all(), 1, "sys_id");
        Optional<SnRecord> user = whoAmI(client);
        String who = user.map(u -> " as " + u.get("user_name") + (u.get("name").isEmpty() ? "" : " (" + u.get("name") + ")")).orElse("");
        String base = "Connected to " + client.host() + who + " and read the incident table.";
        if (user.isEmpty()) {
            return base + " ServiceNow did not say which user this is, so its roles were not checked.";
        }
        Set<String> roles;
        try {
            roles = client.query("sys_user_has_role", TableQuery.where("user").is(user.get().sysId()), 1000, "role.name", "user").stream()
                    .filter(r -> user.get().sysId().equals(r.get("user")))
                    .map(r -> r.get("role.name")).collect(Collectors.toSet());
        } catch (ApiException e) {
            return base + " Its roles could not be read (" + e.getMessage().replaceAll("\\.$", "") + ").";
        }
        if (roles.isEmpty()) {
            return base + " Its roles could not be read; give it itil for incidents and change_manager (or itil) for changes.";
        }
        if (roles.contains("admin")) {
            return base + " It has the admin role, which covers incidents and changes.";
        }
        List<String> missing = new ArrayList<>();
        if (!roles.contains("itil") && !roles.contains("sn_incident_write")) {
            missing.add("itil or sn_incident_write (for incidents)");
        }
        if (!roles.contains("itil") && !roles.contains("change_manager") && !roles.contains("sn_change_write")) {
            missing.add("itil, change_manager or sn_change_write (for changes)");
        }
        return base + (missing.isEmpty() ? " It has the roles incidents and changes need."
                : " It lacks the role " + String.join(" and ", missing) + ".") + dictionary(client);
    }

    /** The plugin checks pipelines' field names against the dictionary: say what it falls back on when the user may not read it. */
    private static String dictionary(ServiceNowClient client) {
        try {
            List<SnRecord> tables = client.query("sys_db_object", TableQuery.where("name").is("incident"), 1, "name");
            if (!tables.isEmpty()) {
                return "";
            }
        } catch (ApiException e) {
            // not readable: said below
        }
        return " It cannot read the dictionary (sys_dictionary and sys_db_object, role personalize_dictionary), so the plugin learns"
                + " a table's fields from one of its records to check the names pipelines give.";
    }

    private static Optional<SnRecord> whoAmI(ServiceNowClient client) {
        try {
            List<SnRecord> users = client.query("sys_user", TableQuery.where("user_name").is("javascript:gs.getUserName()"), 2,
                    "sys_id", "user_name", "name");
            // exactly one, or ServiceNow ignored the condition (an instance that does not evaluate it answers every user)
            return users.size() == 1 && !users.get(0).get("user_name").isEmpty() ? Optional.of(users.get(0)) : Optional.empty();
        } catch (ApiException e) {
            return Optional.empty();
        }
    }
}
