package io.jenkins.plugins.servicenowflashduty.client.http;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** HTTP Basic: user name and password on every request. */
public final class BasicAuthentication implements Authentication {
    private final String userName;
    private final SecretValue password;

    public BasicAuthentication(String userName, SecretValue password) {
        if (userName == null || userName.isBlank()) {
            throw invalidInput("The user name of the credential is empty.");
        }
        this.userName = userName;
        this.password = password;
    }

    @Override
    public void apply(HttpRequest.Builder request) {
        String pair = userName + ":" + password.reveal();
        request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void prepare(Connector connector, String host) {
        if (connector.dropsAuthorization()) {
            connector.answerBasicChallenges(host, userName, password);
        }
    }

    @Override
    public String toString() {
        return "Basic " + userName + ":****";
    }
}
