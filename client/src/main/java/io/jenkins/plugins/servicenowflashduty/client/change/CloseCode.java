package io.jenkins.plugins.servicenowflashduty.client.change;

import static io.jenkins.plugins.servicenowflashduty.client.http.ApiException.invalidInput;

import java.util.Locale;

/** How a change ended, from the deployment's real result. */
public enum CloseCode {
    SUCCESSFUL("successful"), SUCCESSFUL_ISSUES("successful_issues"), UNSUCCESSFUL("unsuccessful");

    private final String value;

    CloseCode(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** A Jenkins result: SUCCESS is successful, UNSTABLE successful with issues, anything else unsuccessful. */
    public static CloseCode ofResult(String result) {
        return switch (result == null ? "" : result) {
            case "SUCCESS" -> SUCCESSFUL;
            case "UNSTABLE" -> SUCCESSFUL_ISSUES;
            default -> UNSUCCESSFUL;
        };
    }

    public static CloseCode parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace(' ', '_').replace("with_", "");
        for (CloseCode c : values()) {
            if (c.value.equals(t)) {
                return c;
            }
        }
        throw invalidInput("'" + text + "' is not a change close code; use successful, successful_issues or unsuccessful.");
    }
}
