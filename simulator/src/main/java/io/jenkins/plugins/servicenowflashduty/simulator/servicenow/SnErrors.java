package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import io.jenkins.plugins.servicenowflashduty.simulator.http.HttpError;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** ServiceNow's error envelope: {@code {"error":{"message","detail"},"status":"failure"}}. */
public final class SnErrors {
    private SnErrors() {
    }

    public static Response response(int status, String message, String detail) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("detail", detail);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("status", "failure");
        Response r = Response.json(status, body);
        if (status == 401) {
            r.header("WWW-Authenticate", "BASIC realm=\"Service-now\"");
        }
        return r;
    }

    public static HttpError error(int status, String message, String detail) {
        return new HttpError(response(status, message, detail));
    }

    static HttpError notFound() {
        return error(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");
    }

    static HttpError invalidTable(String table) {
        return error(400, "Invalid table " + table, null);
    }

    static HttpError unauthenticated() {
        return error(401, "User Not Authenticated", "Required to provide Auth information");
    }

    static HttpError aclDenied(String operation) {
        return error(403, "Operation Failed", "ACL Exception " + operation + " Failed due to security constraints");
    }

    static HttpError dataPolicy(String fields) {
        return error(403, "Operation Failed", "Data Policy Exception: \n\tThe following fields are mandatory: " + fields);
    }

    static HttpError badRequest(String detail) {
        return error(400, "Exception while reading request", detail);
    }

    public static HttpError noSuchResource() {
        return error(400, "Requested URI does not represent any resource", null);
    }
}
