package io.jenkins.plugins.servicenowflashduty.config;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.security.ACL;
import io.jenkins.plugins.servicenowflashduty.Messages;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * The credentials an administrator binds to an instance (or to Flashduty) on the global configuration page: the
 * admin's binding, not the job's. They are looked up the way that page lists them, at the root with System scope
 * allowed, by the page's test buttons and by builds alike, so what the test button accepts is what builds use. A
 * System credential is the recommended choice: jobs cannot bind it with {@code withCredentials}.
 */
final class AdminCredentials {
    private AdminCredentials() {
    }

    /**
     * The credential with this id among those stored at the root (System or Global scope).
     *
     * @param owner names what it belongs to in sentences, e.g. "ServiceNow instance 'prod'"
     */
    static <C extends StandardCredentials> C find(String id, Class<C> type, String owner) throws ConfigurationException {
        StandardCredentials any = CredentialsMatchers.firstOrNull(
                CredentialsProvider.lookupCredentialsInItemGroup(StandardCredentials.class, Jenkins.get(), ACL.SYSTEM2, List.of()),
                CredentialsMatchers.withId(id));
        if (any == null) {
            throw new ConfigurationException(Messages.Clients_credentialNotFoundAtRoot(id, owner));
        }
        return CredentialKinds.as(any, type, owner);
    }
}
