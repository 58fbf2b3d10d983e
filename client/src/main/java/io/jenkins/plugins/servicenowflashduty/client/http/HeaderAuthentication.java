package io.jenkins.plugins.servicenowflashduty.client.http;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.net.http.HttpRequest;

/** A fixed secret in one header: a bearer token ({@code Authorization: Bearer}) or an API key ({@code x-sn-apikey}). */
public final class HeaderAuthentication implements Authentication {
    private final String header;
    private final String prefix;
    private final SecretValue secret;

    private HeaderAuthentication(String header, String prefix, SecretValue secret) {
        if (secret == null || secret.isBlank()) {
            throw invalidInput("The token of the credential is empty.");
        }
        this.header = header;
        this.prefix = prefix;
        this.secret = secret;
    }

    public static HeaderAuthentication bearer(SecretValue token) {
        return new HeaderAuthentication("Authorization", "Bearer ", token);
    }

    /** ServiceNow's API key header. */
    public static HeaderAuthentication apiKey(SecretValue key) {
        return new HeaderAuthentication("x-sn-apikey", "", key);
    }

    @Override
    public void apply(HttpRequest.Builder request) {
        request.header(header, prefix + secret.reveal());
    }

    @Override
    public String toString() {
        return header + ": " + prefix + "****";
    }
}
