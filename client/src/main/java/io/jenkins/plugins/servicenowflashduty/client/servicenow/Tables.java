package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks on table names, sys_ids and ticket numbers before anything is sent. */
public final class Tables {
    private static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,79}");
    private static final Pattern SYS_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern NUMBER = Pattern.compile("([A-Z]{2,6})(\\d{4,12})");
    /** Number prefixes of the tables tickets usually live in, longest first where prefixes overlap. */
    private static final Map<String, String> PREFIXES = new LinkedHashMap<>();

    static {
        PREFIXES.put("CTASK", "change_task");
        PREFIXES.put("RITM", "sc_req_item");
        PREFIXES.put("INC", "incident");
        PREFIXES.put("CHG", "change_request");
        PREFIXES.put("PRB", "problem");
        PREFIXES.put("REQ", "sc_request");
        PREFIXES.put("TASK", "task");
        PREFIXES.put("SCTASK", "sc_task");
    }

    private Tables() {
    }

    public static String table(String name) {
        if (name == null || !TABLE.matcher(name.strip()).matches()) {
            throw invalidInput("'" + name + "' is not a ServiceNow table name; use the table's name, e.g. incident or change_request.");
        }
        return name.strip();
    }

    public static String sysId(String id) {
        if (id == null || !SYS_ID.matcher(id.strip()).matches()) {
            throw invalidInput("'" + id + "' is not a ServiceNow sys_id (32 hexadecimal characters).");
        }
        return id.strip();
    }

    public static boolean isSysId(String id) {
        return id != null && SYS_ID.matcher(id).matches();
    }

    /** The table a ticket number such as {@code INC0010002} or {@code CHG0030001} belongs to. */
    public static String tableOfNumber(String number) {
        String n = number == null ? "" : number.strip().toUpperCase(Locale.ROOT);
        Matcher m = NUMBER.matcher(n);
        if (m.matches() && PREFIXES.containsKey(m.group(1))) {
            return PREFIXES.get(m.group(1));
        }
        throw invalidInput("'" + number
                + "' is not a ServiceNow ticket number; use one such as INC0010002, CHG0030001 or CTASK0010001, or give the table and sys_id.");
    }

    public static String normaliseNumber(String number) {
        tableOfNumber(number);
        return number.strip().toUpperCase(Locale.ROOT);
    }
}
