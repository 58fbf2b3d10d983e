package io.jenkins.plugins.servicenowflashduty.simulator;

import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FdErrors;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.SnErrors;

/** Bodies for injected statuses, shaped like what each real service (or the proxy in front of it) sends. */
final class FaultAnswers {
    private FaultAnswers() {
    }

    static Response answer(Request request, int status, SimClock clock) {
        if (status >= 502 && status <= 504) {
            // gateways in front of both services answer with HTML, not the API's JSON
            return Response.text(status, "text/html;charset=UTF-8",
                    "<html><head><title>" + status + "</title></head><body><h1>" + status + " " + reason(status)
                            + "</h1></body></html>");
        }
        if (request.path().startsWith("/event/")) {
            String code = switch (status) {
                case 401 -> "Unauthorized";
                case 403 -> "AccessDenied";
                case 404 -> "RouteNotFound";
                case 429 -> "RequestTooFrequently";
                case 500 -> "InternalError";
                default -> "InvalidParameter";
            };
            Response r = FdErrors.response(code, status == 429 ? "Request too frequently." : reason(status));
            return status == FdErrors.statusOf(code) ? r : Response.bytes(status, "application/json;charset=UTF-8", r.body());
        }
        return switch (status) {
            case 429 -> SnErrors.response(429, "Rate limit exceeded", "Rate limit of 100 requests per hour for Table API exceeded")
                    .header("X-RateLimit-Limit", "100")
                    .header("X-RateLimit-Reset", Long.toString(clock.instant().getEpochSecond() / 3600 * 3600 + 3600))
                    .header("X-RateLimit-Rule", "0d3bc5f1db2a2010f0a1e6b3ca96197d");
            case 500 -> SnErrors.response(500, "Transaction cancelled: maximum execution time exceeded",
                    "Transaction cancelled: maximum execution time exceeded. Check the logs for details.");
            case 401 -> SnErrors.response(401, "User Not Authenticated", "Required to provide Auth information");
            case 403 -> SnErrors.response(403, "Operation Failed", "ACL Exception Insert Failed due to security constraints");
            case 404 -> SnErrors.response(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");
            default -> SnErrors.response(status, reason(status), null);
        };
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }
}
