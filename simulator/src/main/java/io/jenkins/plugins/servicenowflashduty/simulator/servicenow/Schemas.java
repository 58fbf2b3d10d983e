package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The tables the simulator knows, with the columns and choices of a current ServiceNow release. */
final class Schemas {
    static final Map<String, String> INCIDENT_STATES = ordered("1", "New", "2", "In Progress", "3", "On Hold",
            "6", "Resolved", "7", "Closed", "8", "Canceled");
    static final Map<String, String> IMPACT = ordered("1", "1 - High", "2", "2 - Medium", "3", "3 - Low");
    static final Map<String, String> PRIORITY = ordered("1", "1 - Critical", "2", "2 - High", "3", "3 - Moderate",
            "4", "4 - Low", "5", "5 - Planning");
    static final Map<String, String> INCIDENT_CLOSE_CODES = ordered(
            "Solution provided", "Solution provided", "Workaround provided", "Workaround provided",
            "Resolved by caller", "Resolved by caller", "Resolved by change", "Resolved by change",
            "Resolved by problem", "Resolved by problem", "Resolved by request", "Resolved by request",
            "Known error", "Known error", "Duplicate", "Duplicate", "User error", "User error",
            "No resolution provided", "No resolution provided");
    static final Map<String, String> CHANGE_STATES = ordered("-5", "New", "-4", "Assess", "-3", "Authorize",
            "-2", "Scheduled", "-1", "Implement", "0", "Review", "3", "Closed", "4", "Canceled");
    static final Map<String, String> CHANGE_TYPES = ordered("normal", "Normal", "standard", "Standard", "emergency", "Emergency");
    static final Map<String, String> CHANGE_CLOSE_CODES = ordered("successful", "Successful",
            "successful_issues", "Successful with issues", "unsuccessful", "Unsuccessful");
    static final Map<String, String> RISK = ordered("1", "Very High", "2", "High", "3", "Moderate", "4", "Low");
    static final Map<String, String> APPROVAL = ordered("not requested", "Not Yet Requested", "requested", "Requested",
            "approved", "Approved", "rejected", "Rejected");
    static final Map<String, String> CONFLICT_TYPES = ordered("blackout", "Blackout", "not_in_maintenance_window", "Not In Maintenance Window",
            "ci_already_scheduled", "CI Already Scheduled");
    static final Map<String, String> TASK_STATES = ordered("-5", "Pending", "1", "Open", "2", "In Progress",
            "3", "Closed", "4", "Canceled");

    private Schemas() {
    }

    static Map<String, TableSchema> all() {
        Map<String, TableSchema> t = new LinkedHashMap<>();
        t.put("incident", incident());
        t.put("change_request", changeRequest());
        t.put("change_task", changeTask());
        t.put("sys_user", new TableSchema("sys_user", "name", null, 0)
                .text("user_name", 40).text("name", 151).text("first_name", 50).text("last_name", 50).text("email", 100)
                .add("active", FieldType.BOOLEAN, "true").add("web_service_access_only", FieldType.BOOLEAN, "false")
                .add("internal_integration_user", FieldType.BOOLEAN, "false").reference("department", "cmn_department"));
        t.put("sys_user_role", new TableSchema("sys_user_role", "name", null, 0).text("name", 100).text("description", 1000));
        t.put("sys_user_has_role", new TableSchema("sys_user_has_role", "role", null, 0)
                .reference("user", "sys_user").reference("role", "sys_user_role").add("state", FieldType.STRING, "active"));
        t.put("sys_user_group", new TableSchema("sys_user_group", "name", null, 0)
                .text("name", 80).text("description", 1000).text("email", 100)
                .add("active", FieldType.BOOLEAN, "true").reference("manager", "sys_user"));
        t.put("cmdb_ci", new TableSchema("cmdb_ci", "name", null, 0)
                .text("name", 255).text("short_description", 1000).text("ip_address", 255).text("fqdn", 255)
                .add("operational_status", FieldType.STRING, "1").add("install_status", FieldType.STRING, "1")
                .reference("support_group", "sys_user_group"));
        t.put("sys_journal_field", new TableSchema("sys_journal_field", "value", null, 0)
                .text("element", 40).text("element_id", 32).text("name", 80).text("value", 1_000_000));
        t.put("sys_attachment", new TableSchema("sys_attachment", "file_name", null, 0)
                .text("file_name", 100).text("content_type", 100).text("table_name", 100).text("table_sys_id", 32)
                .add("size_bytes", FieldType.INTEGER, "0").add("size_compressed", FieldType.INTEGER, "0")
                .add("compressed", FieldType.BOOLEAN, "false").text("hash", 64)
                .text("image_height", 40).text("image_width", 40).text("average_image_color", 40));
        t.put("std_change_record_producer", new TableSchema("std_change_record_producer", "name", null, 0)
                .text("name", 100).text("short_description", 160).text("description", 4000)
                .add("active", FieldType.BOOLEAN, "true").text("template", 4000).text("category", 40));
        t.put("chg_model", new TableSchema("chg_model", "name", null, 0)
                .text("name", 100).text("description", 1000).add("active", FieldType.BOOLEAN, "true")
                .text("default_change_type", 40));
        t.put("sys_choice", new TableSchema("sys_choice", "label", null, 0)
                .text("name", 80).text("element", 80).text("value", 100).text("label", 100)
                .add("inactive", FieldType.BOOLEAN, "false").add("sequence", FieldType.INTEGER, "0")
                .text("language", 40));
        t.put("cmn_department", new TableSchema("cmn_department", "name", null, 0).text("name", 100));
        t.put("sys_db_object", new TableSchema("sys_db_object", "name", null, 0)
                .text("name", 80).text("label", 80).reference("super_class", "sys_db_object"));
        t.put("sys_dictionary", new TableSchema("sys_dictionary", "element", null, 0)
                .text("name", 80).text("element", 80).text("internal_type", 40).add("max_length", FieldType.INTEGER, "40"));
        t.put("task_ci", new TableSchema("task_ci", "ci_item", null, 0)
                .reference("task", "change_request").reference("ci_item", "cmdb_ci"));
        t.put("cmn_schedule", new TableSchema("cmn_schedule", "name", null, 0)
                .text("name", 80).text("description", 1000).add("type", FieldType.STRING, "").text("time_zone", 40));
        t.put("cmn_schedule_span", new TableSchema("cmn_schedule_span", "name", null, 0)
                .reference("schedule", "cmn_schedule").text("name", 80).text("start_date_time", 40).text("end_date_time", 40)
                .text("repeat_type", 40));
        t.put("cmn_schedule_condition", new TableSchema("cmn_schedule_condition", "condition", null, 0)
                .reference("schedule", "cmn_schedule").text("applies_to", 80).text("condition", 4000));
        t.put("conflict", new TableSchema("conflict", "type", null, 0)
                .reference("change", "change_request").reference("conflicting_change", "change_request")
                .reference("configuration_item", "cmdb_ci").reference("schedule", "cmn_schedule")
                .choice("type", CONFLICT_TYPES, false, null));
        return t;
    }

    /** The tables that extend task, as in ServiceNow: their task columns are task's in the dictionary. */
    static final Set<String> TASK_TABLES = Set.of("incident", "change_request", "change_task");

    /** The columns task itself defines (every table also has the system columns). */
    static Set<String> taskColumns() {
        Set<String> names = new LinkedHashSet<>();
        task(new TableSchema("task", "number", "TASK", 1)).fields().forEach(f -> names.add(f.name()));
        return names;
    }

    private static TableSchema task(TableSchema s) {
        return s.text("short_description", 160).text("description", 4000)
                .reference("assignment_group", "sys_user_group").reference("assigned_to", "sys_user")
                .reference("cmdb_ci", "cmdb_ci").reference("opened_by", "sys_user").reference("closed_by", "sys_user")
                .add("opened_at", FieldType.DATETIME, null).add("closed_at", FieldType.DATETIME, null)
                .add("active", FieldType.BOOLEAN, "true").text("close_notes", 4000)
                .text("correlation_id", 100).text("correlation_display", 100)
                .choice("approval", APPROVAL, false, "not requested")
                .text("watch_list", 4000).text("work_notes_list", 4000)
                .journal("work_notes", "comments");
    }

    private static TableSchema incident() {
        return task(new TableSchema("incident", "number", "INC", 10001))
                .choice("state", INCIDENT_STATES, true, "1").choice("incident_state", INCIDENT_STATES, true, "1")
                .choice("impact", IMPACT, true, "3").choice("urgency", IMPACT, true, "3").choice("priority", PRIORITY, true, "5")
                .choice("severity", ordered("1", "1 - High", "2", "2 - Medium", "3", "3 - Low"), true, "3")
                .add("category", FieldType.STRING, "inquiry").text("subcategory", 40)
                .reference("caller_id", "sys_user").reference("business_service", "cmdb_ci")
                .add("contact_type", FieldType.STRING, "").reference("resolved_by", "sys_user")
                .add("resolved_at", FieldType.DATETIME, null)
                .strictChoice("close_code", INCIDENT_CLOSE_CODES)
                .choice("hold_reason", ordered("1", "Awaiting Caller", "3", "Awaiting Problem", "4", "Awaiting Vendor",
                        "5", "Awaiting Change"), true, null)
                .reference("parent_incident", "incident").reference("problem_id", "problem").reference("rfc", "change_request")
                .reference("caused_by", "change_request")
                .add("notify", FieldType.STRING, "1").add("reopen_count", FieldType.INTEGER, "0")
                .add("reassignment_count", FieldType.INTEGER, "0");
    }

    private static TableSchema changeRequest() {
        return task(new TableSchema("change_request", "number", "CHG", 30001))
                .choice("type", CHANGE_TYPES, false, "normal").choice("state", CHANGE_STATES, true, "-5")
                .choice("risk", RISK, true, null).choice("impact", IMPACT, true, "3").choice("urgency", IMPACT, true, "3")
                .choice("priority", ordered("1", "1 - Critical", "2", "2 - High", "3", "3 - Moderate", "4", "4 - Low"), true, "4")
                .add("category", FieldType.STRING, "Other")
                .add("start_date", FieldType.DATETIME, null).add("end_date", FieldType.DATETIME, null)
                .add("work_start", FieldType.DATETIME, null).add("work_end", FieldType.DATETIME, null)
                .text("implementation_plan", 4000).text("backout_plan", 4000).text("test_plan", 4000)
                .text("justification", 4000).text("risk_impact_analysis", 4000)
                .strictChoice("close_code", CHANGE_CLOSE_CODES)
                .reference("requested_by", "sys_user").reference("business_service", "cmdb_ci")
                .reference("std_change_producer_version", "std_change_record_producer")
                .reference("chg_model", "chg_model")
                .add("phase", FieldType.STRING, "requested").add("on_hold", FieldType.BOOLEAN, "false").text("on_hold_reason", 4000)
                .add("conflict_status", FieldType.STRING, "Not Run").add("conflict_last_run", FieldType.DATETIME, null)
                .add("cab_required", FieldType.BOOLEAN, "false");
    }

    private static TableSchema changeTask() {
        return task(new TableSchema("change_task", "number", "CTASK", 10001))
                .reference("change_request", "change_request").choice("state", TASK_STATES, true, "1")
                .add("planned_start_date", FieldType.DATETIME, null).add("planned_end_date", FieldType.DATETIME, null)
                .add("change_task_type", FieldType.STRING, "planning");
    }

    static Map<String, String> ordered(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
