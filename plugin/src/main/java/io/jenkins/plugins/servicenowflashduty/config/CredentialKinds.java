package io.jenkins.plugins.servicenowflashduty.config;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * The kinds of credential the plugin can use, and the check that their values can go into a request: a key
 * that ends in a line break (read from a file, a Kubernetes secret, {@code ${readFile:...}}) or holds a control
 * character is refused with a sentence naming the credential's id, never its value, before anything is sent.
 */
final class CredentialKinds {
    private CredentialKinds() {
    }

    static <C extends StandardCredentials> C as(StandardCredentials any, Class<C> type, String owner) throws ConfigurationException {
        if (!type.isInstance(any)) {
            throw new ConfigurationException(Messages.Clients_credentialWrongType(any.getId(), owner, kind(type)));
        }
        C c = type.cast(any);
        checkSendable(c, owner);
        return c;
    }

    /** Refuses values HTTP cannot carry (or that are surely a copy-paste slip) before any request. */
    static void checkSendable(StandardCredentials c, String owner) throws ConfigurationException {
        if (c instanceof StandardUsernamePasswordCredentials u) {
            refuse(c, owner, Messages.CredentialKinds_userName(), SecretValue.unsendable(u.getUsername()));
            refuse(c, owner, Messages.CredentialKinds_password(), SecretValue.unsendable(u.getPassword().getPlainText()));
        } else if (c instanceof StringCredentials t) {
            refuse(c, owner, Messages.CredentialKinds_secret(), SecretValue.unsendable(t.getSecret().getPlainText()));
        }
    }

    private static void refuse(StandardCredentials c, String owner, String part, String reason) throws ConfigurationException {
        if (reason != null) {
            throw new ConfigurationException(Messages.CredentialKinds_unsendable(part, c.getId(), owner, reason));
        }
    }

    private static String kind(Class<?> type) {
        if (type == StringCredentials.class) {
            return "Secret text";
        }
        if (type == StandardUsernamePasswordCredentials.class) {
            return "Username with password";
        }
        return "Username with password or Secret text";
    }
}
