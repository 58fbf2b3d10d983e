package io.jenkins.plugins.servicenowflashduty.client.http;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.net.http.HttpRequest;
import java.util.List;

/** A fixed secret in one header: a bearer token ({@code Authorization: Bearer}) or an API key ({@code x-sn-apikey}). */
public final class HeaderAuthentication implements Authentication {
    private final String header;
    private final String prefix;
    private final SecretValue secret;

    private HeaderAuthentication(String header, String prefix, SecretValue secret, String what) {
        if (secret == null || secret.isBlank()) {
            throw invalidInput("The token of the credential is empty.");
        }
        secret.requireSendable(what + " of the credential");
        this.header = header;
        this.prefix = prefix;
        this.secret = secret;
    }

    public static HeaderAuthentication bearer(SecretValue token) {
        return new HeaderAuthentication("Authorization", "Bearer ", token, "token");
    }

    /** ServiceNow's API key header. */
    public static HeaderAuthentication apiKey(SecretValue key) {
        return new HeaderAuthentication("x-sn-apikey", "", key, "API key");
    }

    @Override
    public void apply(HttpRequest.Builder request) {
        request.header(header, prefix + secret.reveal());
    }

    @Override
    public List<SecretValue> secrets() {
        return List.of(secret);
    }

    @Override
    public void prepare(Connector connector, String host) {
        if (header.equals("Authorization") && connector.dropsAuthorization()) {
            throw bearerBehindProxy();
        }
    }

    /** The sentence for a bearer token that an authenticated proxy's client would silently drop. */
    public static ApiException bearerBehindProxy() {
        return invalidInput("A token cannot be sent through a proxy that needs a password (the JDK HTTP client drops the"
                + " Authorization header then); use a user name and password or an API key credential, or a proxy without a password.");
    }

    @Override
    public String toString() {
        return header + ": " + prefix + "****";
    }
}
