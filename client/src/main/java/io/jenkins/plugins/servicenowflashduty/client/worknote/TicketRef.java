package io.jenkins.plugins.servicenowflashduty.client.worknote;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.SnRecord;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.Tables;

/**
 * A ticket named either by number ({@code INC0010002}) or by table and sys_id, as a pipeline author
 * may have either at hand.
 */
public record TicketRef(String number, String table, String sysId) {

    public static TicketRef number(String number) {
        return new TicketRef(Tables.normaliseNumber(number), Tables.tableOfNumber(number), null);
    }

    public static TicketRef record(String table, String sysId) {
        return new TicketRef(null, Tables.table(table), Tables.sysId(sysId));
    }

    /** From step parameters: a number, or a table and a sys_id, but not both and not neither. */
    public static TicketRef of(String number, String table, String sysId) {
        boolean hasNumber = number != null && !number.isBlank();
        boolean hasRecord = sysId != null && !sysId.isBlank();
        if (hasNumber == hasRecord) {
            throw invalidInput("Name the ticket either by number (e.g. INC0010002) or by table and sys_id, not " + (hasNumber ? "both." : "neither."));
        }
        if (hasNumber) {
            return number(number);
        }
        if (table == null || table.isBlank()) {
            throw invalidInput("A sys_id needs the table it belongs to, e.g. incident.");
        }
        return record(table, sysId);
    }

    /** The ticket's record, looked up by number when needed. */
    public SnRecord resolve(ServiceNowClient client) {
        if (sysId != null) {
            return client.get(table, sysId, "sys_id", "number");
        }
        return client.findByNumber(number, "sys_id", "number").orElseThrow(() -> new ApiException(Problem.NOT_FOUND, 404,
                "ServiceNow has no " + table + " numbered " + number + ", or the user may not read it."));
    }

    @Override
    public String toString() {
        return number != null ? number : table + " " + sysId;
    }
}
