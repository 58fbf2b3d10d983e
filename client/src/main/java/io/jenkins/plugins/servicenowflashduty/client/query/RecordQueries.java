package io.jenkins.plugins.servicenowflashduty.client.query;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs an encoded query and hands back plain lists and maps of strings, the shapes a Pipeline script
 * can use (and that survive a controller restart). The operation behind {@code serviceNowQuery}.
 */
public final class RecordQueries {
    /** More rows than this belong in a report, not in a build. */
    public static final int MAX_ROWS = 10_000;

    private final ServiceNowClient client;

    public RecordQueries(ServiceNowClient client) {
        this.client = client;
    }

    /**
     * @param encodedQuery e.g. {@code active=true^priority<=2}; empty for every row
     * @param fields the columns to return; empty for all
     * @param limit at most this many rows, 1 to {@value #MAX_ROWS}
     */
    public List<Map<String, String>> run(String table, String encodedQuery, List<String> fields, int limit) {
        if (limit < 1 || limit > MAX_ROWS) {
            throw invalidInput("The limit must be between 1 and " + MAX_ROWS + ", not " + limit + ".");
        }
        String[] columns = fields == null ? new String[0] : fields.stream().map(String::strip).filter(f -> !f.isEmpty()).toArray(String[]::new);
        for (String c : columns) {
            TableQuery.where(c); // checks the name
        }
        TableQuery query = TableQuery.raw(encodedQuery);
        // ServiceNow answers a condition on an unknown field with every row: the fields are checked first
        client.columns().checkQuery(table, encodedQuery, List.of(columns));
        List<Map<String, String>> rows = new ArrayList<>();
        client.stream(table, query, Math.min(limit, 1000), columns)
                .limit(limit)
                .forEach(r -> rows.add(new LinkedHashMap<>(r.values())));
        return rows;
    }
}
