package io.jenkins.plugins.servicenowflashduty.client.http;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** HTTP Basic: user name and password on every request. */
public final class BasicAuthentication implements Authentication {
    private final String userName;
    private final SecretValue password;

    public BasicAuthentication(String userName, SecretValue password) {
        if (userName == null || userName.isBlank()) {
            throw invalidInput("The user name of the credential is empty.");
        }
        SecretValue.requireSendable("user name of the credential", userName);
        if (password != null) {
            password.requireSendable("password of the credential");
        }
        this.userName = userName;
        this.password = password;
    }

    @Override
    public void apply(HttpRequest.Builder request) {
        request.header("Authorization", "Basic " + encoded());
    }

    private String encoded() {
        String pair = userName + ":" + password.reveal();
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** The password, and the Base64 of user name and password that the header carries. */
    @Override
    public List<SecretValue> secrets() {
        return password == null ? List.of() : List.of(password, SecretValue.of(encoded()));
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
