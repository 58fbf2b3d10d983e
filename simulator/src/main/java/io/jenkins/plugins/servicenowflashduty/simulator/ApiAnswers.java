package io.jenkins.plugins.servicenowflashduty.simulator;

import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FdErrors;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Dispatcher;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Reasons;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.SnErrors;

/**
 * Answers no route gives: injected statuses, unknown paths, unreadable requests. Each is shaped like what
 * the real service the path belongs to (or the proxy in front of it) sends: Flashduty's envelope under
 * {@code /event/}, ServiceNow's everywhere else.
 */
final class ApiAnswers implements Dispatcher.Answers {
    private final SimClock clock;

    ApiAnswers(SimClock clock) {
        this.clock = clock;
    }

    private static boolean flashduty(Request request) {
        return request.path().startsWith("/event/");
    }

    @Override
    public Response fault(Request request, int status) {
        if (status >= 502 && status <= 504) {
            // gateways in front of both services answer with HTML, not the API's JSON
            return Response.text(status, "text/html;charset=UTF-8",
                    "<html><head><title>" + status + "</title></head><body><h1>" + status + " " + Reasons.of(status)
                            + "</h1></body></html>");
        }
        if (flashduty(request)) {
            String code = switch (status) {
                case 401 -> "Unauthorized";
                case 403 -> "AccessDenied";
                case 404 -> "RouteNotFound";
                case 429 -> "RequestTooFrequently";
                case 500 -> "InternalError";
                default -> "InvalidParameter";
            };
            Response r = FdErrors.response(code, status == 429 ? "Request too frequently." : Reasons.of(status));
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
            default -> SnErrors.response(status, Reasons.of(status), null);
        };
    }

    @Override
    public Response noRoute(Request request) {
        if (request.path().startsWith("/api/")) {
            return SnErrors.noSuchResource().response();
        }
        if (flashduty(request)) {
            return FdErrors.response("RouteNotFound", "route " + request.path() + " not found");
        }
        return Response.text(404, "text/plain;charset=UTF-8", "Not found: " + request.path() + "\n");
    }

    @Override
    public Response tooLarge(Request request, long length) {
        if (flashduty(request)) {
            return FdErrors.response("InvalidParameter", "request body is larger than " + Dispatcher.MAX_BODY + " bytes");
        }
        return SnErrors.response(400, "Exception while reading request", "Rejected large REST payload with content-length = "
                + length + " bytes. Max allowed: " + Dispatcher.MAX_BODY + " bytes.");
    }

    @Override
    public Response unreadable(Request request, String detail) {
        if (flashduty(request)) {
            return FdErrors.response("InvalidParameter", detail);
        }
        return SnErrors.response(400, "Exception while reading request", detail);
    }
}
