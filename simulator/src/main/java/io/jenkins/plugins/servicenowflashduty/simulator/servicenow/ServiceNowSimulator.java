package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import io.jenkins.plugins.servicenowflashduty.simulator.SimClock;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Route;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The ServiceNow half of the simulator: instance state, credentials and its HTTP APIs, seeded with demo data. */
public final class ServiceNowSimulator {
    /** Demo credentials of the seeded instance. They exist only inside the simulator. */
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "admin";
    public static final String INTEGRATION_USER = "jenkins";
    public static final String INTEGRATION_PASSWORD = "jenkins";
    public static final String READONLY_USER = "readonly";
    public static final String READONLY_PASSWORD = "readonly";
    public static final String OAUTH_CLIENT_ID = "jenkins-client";
    public static final String OAUTH_CLIENT_SECRET = "jenkins-client-secret";
    public static final String API_KEY = "sandbox-api-key";

    private final ServiceNowInstance instance;
    private final OAuthTokens tokens;
    private final List<Route> routes;

    public ServiceNowSimulator(SimClock clock) {
        this.instance = new ServiceNowInstance(clock);
        this.tokens = new OAuthTokens(clock);
        ServiceNowRoute.Backend backend = new ServiceNowRoute.Backend(instance, tokens, new Authenticator(instance, tokens),
                new RecordRenderer(instance));
        this.routes = List.of(new OAuthApi(backend), new TableApi(backend), new ChangeApi(backend), new AttachmentApi(backend));
        seed();
    }

    public ServiceNowInstance instance() {
        return instance;
    }

    public OAuthTokens tokens() {
        return tokens;
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * {@code sys_db_object} and {@code sys_dictionary} from the simulator's own schemas, as ServiceNow has them:
     * incident, change_request and change_task extend task, whose columns (number, short_description...) are task's.
     */
    private void seedDictionary() {
        Set<String> taskColumns = Schemas.taskColumns();
        String taskId = instance.insert("sys_db_object", Map.of("name", "task", "label", "Task")).get("sys_id");
        for (String column : taskColumns) {
            instance.insert("sys_dictionary", Map.of("name", "task", "element", column, "internal_type", "string"));
        }
        for (String table : List.copyOf(instance.tableNames())) {
            if (table.equals("sys_db_object") || table.equals("sys_dictionary")) {
                continue;
            }
            boolean extendsTask = Schemas.TASK_TABLES.contains(table);
            instance.insert("sys_db_object", extendsTask ? Map.of("name", table, "label", table, "super_class", taskId)
                    : Map.of("name", table, "label", table));
            for (Field f : instance.schema(table).fields()) {
                if (!extendsTask || !taskColumns.contains(f.name())) {
                    instance.insert("sys_dictionary", Map.of("name", table, "element", f.name(),
                            "internal_type", f.type().name().toLowerCase(Locale.ROOT)));
                }
            }
        }
        for (String table : List.of("sys_db_object", "sys_dictionary")) {
            instance.insert("sys_db_object", Map.of("name", table, "label", table));
            for (Field f : instance.schema(table).fields()) {
                instance.insert("sys_dictionary", Map.of("name", table, "element", f.name(), "internal_type", "string"));
            }
        }
    }

    private void seed() {
        instance.addUser(ADMIN_USER, ADMIN_PASSWORD, "System Administrator", "admin");
        instance.addUser(INTEGRATION_USER, INTEGRATION_PASSWORD, "Jenkins Integration", "itil", "change_manager");
        instance.addUser(READONLY_USER, READONLY_PASSWORD, "Read Only", "snc_internal");
        tokens.addClient(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, INTEGRATION_USER);
        tokens.addApiKey(API_KEY, INTEGRATION_USER);

        for (String group : List.of("Service Desk", "Change Management", "Platform Team", "Database")) {
            instance.insert("sys_user_group", Map.of("name", group, "description", group + " (simulated)"));
        }
        instance.insert("cmdb_ci", Map.of("name", "web-frontend", "short_description", "Customer web front end"));
        instance.insert("cmdb_ci", Map.of("name", "payments-api", "short_description", "Payments service"));
        instance.insert("cmdb_ci", Map.of("name", "orders-db", "short_description", "Orders database"));

        instance.insert("chg_model", Map.of("name", "Normal", "default_change_type", "normal"));
        instance.insert("chg_model", Map.of("name", "Standard", "default_change_type", "standard"));
        instance.insert("chg_model", Map.of("name", "Emergency", "default_change_type", "emergency"));
        instance.insert("std_change_record_producer", Map.of("name", "Deploy web application",
                "short_description", "Deploy a new version of a web application",
                "template", "short_description=Deploy web application^description=Routine deployment from CI^"
                        + "implementation_plan=Run the pipeline's deploy stage^backout_plan=Redeploy the previous version^"
                        + "test_plan=Smoke tests run by the pipeline^risk=4^impact=3",
                "category", "Software"));
        instance.insert("std_change_record_producer", Map.of("name", "Restart application server",
                "short_description", "Restart an application server",
                "template", "short_description=Restart application server^implementation_plan=Rolling restart^"
                        + "backout_plan=None needed^test_plan=Health check^risk=4",
                "category", "Hardware"));

        seedDictionary();
        int seq = 0;
        for (Map.Entry<String, String> c : Schemas.INCIDENT_CLOSE_CODES.entrySet()) {
            instance.insert("sys_choice", Map.of("name", "incident", "element", "close_code", "value", c.getKey(),
                    "label", c.getValue(), "sequence", Integer.toString(seq++), "language", "en"));
        }
        for (Map.Entry<String, String> c : Schemas.CHANGE_CLOSE_CODES.entrySet()) {
            instance.insert("sys_choice", Map.of("name", "change_request", "element", "close_code", "value", c.getKey(),
                    "label", c.getValue(), "sequence", Integer.toString(seq++), "language", "en"));
        }
    }
}
