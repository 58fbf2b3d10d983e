package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.servicenowflashduty.simulator.http.HttpError;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code POST /oauth_token.do}: password, client-credentials and refresh-token grants, form-encoded. */
final class OAuthApi extends ServiceNowRoute {
    OAuthApi(Backend backend) {
        super(Paths.exactly("/oauth_token.do"), backend);
    }

    @Override
    public Response handle(Request request) {
        if (!request.method().equals("POST")) {
            throw denied("unspecified error");
        }
        if (!request.contentType().equals("application/x-www-form-urlencoded")) {
            throw denied("unspecified error"); // ServiceNow only reads form bodies here
        }
        Map<String, List<String>> form = Request.parseForm(request.bodyText());
        String grant = first(form, "grant_type");
        OAuthTokens.Client client = tokens.client(first(form, "client_id"), first(form, "client_secret"))
                .orElseThrow(() -> denied("access_denied"));
        return switch (grant == null ? "" : grant) {
            case "password" -> {
                String user = first(form, "username");
                String password = first(form, "password");
                Optional<ServiceNowInstance.Account> account = user == null ? Optional.empty() : instance.account(user);
                if (account.isEmpty() || password == null || !Authenticator.constantTimeEquals(account.get().password(), password)) {
                    throw denied("access_denied");
                }
                yield token(tokens.issueAccess(user, client.clientId()), tokens.issueRefresh(user, client.clientId()));
            }
            case "client_credentials" -> {
                if (!tokens.clientCredentialsEnabled()) {
                    throw denied("access_denied");
                }
                yield token(tokens.issueAccess(client.applicationUser(), client.clientId()), null);
            }
            case "refresh_token" -> {
                OAuthTokens.Issued refresh = tokens.refresh(first(form, "refresh_token"), client.clientId())
                        .orElseThrow(() -> denied("access_denied"));
                yield token(tokens.issueAccess(refresh.userName(), client.clientId()), null);
            }
            default -> throw denied("unsupported_grant_type");
        };
    }

    private Response token(OAuthTokens.Issued access, OAuthTokens.Issued refresh) {
        ObjectNode body = Json.object();
        body.put("scope", "useraccount");
        body.put("token_type", "Bearer");
        body.put("expires_in", tokens.secondsLeft(access));
        if (refresh != null) {
            body.put("refresh_token", refresh.token());
        }
        body.put("access_token", access.token());
        return Response.json(200, body);
    }

    private static HttpError denied(String description) {
        ObjectNode body = Json.object();
        body.put("error_description", description);
        body.put("error", "server_error");
        return new HttpError(Response.json(401, body));
    }

    private static String first(Map<String, List<String>> form, String key) {
        List<String> v = form.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
