package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.Reply;
import io.jenkins.plugins.servicenowflashduty.client.job.Keys;
import java.io.IOException;

/** Turns a failed ServiceNow answer into one sentence that tells the user what to do. */
final class ServiceNowErrors {
    private ServiceNowErrors() {
    }

    /**
     * @param what what was attempted, e.g. "create a record in incident", for the sentence
     * @param host the instance host, to name in URL-related sentences
     */
    static ApiException of(Reply reply, String what, String host) {
        int status = reply.status();
        String message = "";
        String detail = "";
        boolean json = false;
        if (reply.body().length > 0 && (reply.isJson() || reply.text().trim().startsWith("{"))) {
            try {
                JsonNode error = Json.MAPPER.readTree(reply.body()).path("error");
                message = text(error.path("message"));
                detail = text(error.path("detail"));
                json = true;
            } catch (IOException e) {
                json = false; // truncated or not JSON after all: judged by status alone
            }
        }
        String both = message + " " + detail;
        switch (status) {
            case 401:
                return new ApiException(Problem.BAD_CREDENTIALS, status, "ServiceNow at " + host
                        + " did not accept the credentials; check the user name and password (or token) of the Jenkins credential.");
            case 403:
                if (both.contains("Data Policy Exception")) {
                    String policy = afterMarker(detail.contains("Data Policy Exception") ? detail : message, "Data Policy Exception");
                    return new ApiException(Problem.REFUSED, status, "ServiceNow refused to " + what + ": "
                            + (policy.isEmpty() ? "a data policy refused the values" : tidy(policy)) + ".");
                }
                if (both.contains("Business Rule") || both.contains("Error during insert") || both.contains("Invalid ")) {
                    return new ApiException(Problem.REFUSED, status, "ServiceNow refused to " + what + reason(detail, message) + ".");
                }
                return new ApiException(Problem.FORBIDDEN, status, "The ServiceNow user may not " + what
                        + "; give it the needed role (itil for incidents, itil or change_manager for changes).");
            case 404:
                if (json) {
                    return new ApiException(Problem.NOT_FOUND, status, "ServiceNow found nothing to " + what
                            + "; the record does not exist or the user may not read it.");
                }
                return new ApiException(Problem.NOT_FOUND, status, "ServiceNow at " + host
                        + " has no such API; check the instance URL.");
            case 400:
                if (message.startsWith("Invalid table")) {
                    return new ApiException(Problem.NOT_FOUND, status, "ServiceNow has no table named '"
                            + message.substring("Invalid table".length()).trim() + "'.");
                }
                if (message.contains("Requested URI does not represent any resource")) {
                    return new ApiException(Problem.NOT_FOUND, status, "ServiceNow at " + host
                            + " does not offer the API needed to " + what + "; check the instance URL and the plugins active on the instance.");
                }
                return new ApiException(Problem.INVALID_INPUT, status, "ServiceNow could not " + what + reason(detail, message) + ".");
            case 429:
                String wait = reply.header("Retry-After").map(String::trim).filter(s -> s.matches("\\d{1,9}"))
                        .map(s -> " in " + s + " seconds").orElse(" later");
                return new ApiException(Problem.RATE_LIMITED, status, "ServiceNow is rate limiting this user; try again" + wait
                        + " or ask the ServiceNow admin to raise the REST rate limit.");
            default:
                if (status >= 500) {
                    return new ApiException(Problem.SERVER_ERROR, status, "ServiceNow failed with HTTP " + status
                            + " while trying to " + what + "; try again later.");
                }
                if (!json && reply.ok()) {
                    return unexpected(status, host);
                }
                return new ApiException(Problem.UNEXPECTED_RESPONSE, status, "ServiceNow answered HTTP " + status
                        + " when asked to " + what + reason(message, "") + ".");
        }
    }

    /** A 2xx that is not JSON: typically a login page from a wrong URL or a hibernating developer instance. */
    static ApiException unexpected(int status, String host) {
        return new ApiException(Problem.UNEXPECTED_RESPONSE, status, "ServiceNow at " + host
                + " answered with something other than JSON; check the instance URL (a developer instance may be hibernating).");
    }

    /** {@code ": <the first non-blank of the two, tidied>"}, or "" when both are blank. */
    private static String reason(String first, String second) {
        String r = tidy(first.isBlank() ? second : first);
        return r.isEmpty() ? "" : ": " + r;
    }

    /** A JSON value as text: null, missing and non-text values (objects, arrays) become "" or their JSON. */
    private static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "";
        }
        return node.isValueNode() ? node.asText("") : node.toString();
    }

    /** What follows {@code marker} and an optional colon, or "" when nothing does. */
    private static String afterMarker(String text, String marker) {
        int at = text.indexOf(marker);
        if (at < 0) {
            return "";
        }
        String rest = text.substring(at + marker.length());
        return rest.startsWith(":") ? rest.substring(1) : rest;
    }

    /** One line, no trailing period, no tabs: ServiceNow details come with newlines and tabs. */
    private static String tidy(String text) {
        String t = text.replaceAll("\\s+", " ").trim();
        while (t.endsWith(".")) {
            t = t.substring(0, t.length() - 1);
        }
        if (!t.isEmpty()) {
            t = Character.toLowerCase(t.charAt(0)) + t.substring(1);
        }
        return t.length() > 300 ? Keys.keepStart(t, 300) + "…" : t;
    }
}
