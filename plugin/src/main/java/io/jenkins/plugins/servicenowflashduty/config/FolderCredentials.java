package io.jenkins.plugins.servicenowflashduty.config;

import com.cloudbees.hudson.plugins.folder.AbstractFolder;
import com.cloudbees.hudson.plugins.folder.AbstractFolderProperty;
import com.cloudbees.hudson.plugins.folder.AbstractFolderPropertyDescriptor;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import hudson.Extension;
import hudson.Util;
import hudson.model.AbstractDescribableImpl;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.model.ItemGroup;
import hudson.model.Run;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.servicenowflashduty.Messages;
import java.util.ArrayList;
import java.util.List;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * A folder's own service account for a ServiceNow instance: the jobs in the folder (at any depth; the nearest
 * folder wins) sign in with a credential from the folder's store instead of the admin's. The credential is the
 * job's, so it is looked up in the build's context, never as the system; the instance's URL, OAuth client and
 * job restriction stay the admin's.
 */
public final class FolderCredentials extends AbstractFolderProperty<AbstractFolder<?>> {
    private final List<Binding> bindings;

    @DataBoundConstructor
    public FolderCredentials(List<Binding> bindings) {
        this.bindings = bindings == null ? new ArrayList<>() : new ArrayList<>(bindings);
    }

    public List<Binding> getBindings() {
        return List.copyOf(bindings);
    }

    /**
     * The folder credential the build's job brings for this instance, looked up in the build's context and, with
     * {@code track}, tracked on it (the approval polls, which look it up every interval, do not); null when no folder
     * it is in binds one.
     */
    static StandardCredentials find(ServiceNowInstance instance, Run<?, ?> run, String owner, boolean track) throws ConfigurationException {
        String id = boundId(instance.getName(), run.getParent().getParent());
        if (id == null) {
            return null;
        }
        StandardCredentials c = CredentialsProvider.findCredentialById(id, StandardCredentials.class, run);
        if (c == null) {
            throw new ConfigurationException(Messages.Clients_credentialNotFound(id, owner));
        }
        if (track) {
            UsageTracking.track(run, c);
        }
        return c;
    }

    /** The id of the folder credential this build's job brings for the instance, or null. */
    static String boundId(String instance, Run<?, ?> run) {
        return boundId(instance, run.getParent().getParent());
    }

    private static String boundId(String instance, ItemGroup<?> start) {
        for (ItemGroup<?> parent = start; parent instanceof AbstractFolder<?> folder; parent = folder.getParent()) {
            FolderCredentials p = folder.getProperties().get(FolderCredentials.class);
            if (p != null) {
                for (Binding b : p.bindings) {
                    if (instance.equals(b.getInstance())) {
                        return b.getCredentialsId();
                    }
                }
            }
        }
        return null;
    }

    /** One instance's credential in this folder. */
    public static final class Binding extends AbstractDescribableImpl<Binding> {
        private final String instance;
        private final String credentialsId;

        @DataBoundConstructor
        public Binding(String instance, String credentialsId) {
            this.instance = Util.fixEmptyAndTrim(instance);
            this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
        }

        public String getInstance() {
            return instance;
        }

        public String getCredentialsId() {
            return credentialsId;
        }

        /** The folder's instance and credential drop-downs, for those who may configure the folder. */
        @Extension
        public static final class DescriptorImpl extends Descriptor<Binding> {
            @Override
            public String getDisplayName() {
                return Messages.FolderCredentials_binding();
            }

            @POST
            public ListBoxModel doFillInstanceItems(@AncestorInPath Item folder) {
                ListBoxModel items = new ListBoxModel();
                if (folder == null || !folder.hasPermission(Item.CONFIGURE)) {
                    return items;
                }
                ServiceNowConfiguration.get().getInstances().forEach(i -> items.add(i.getName()));
                return items;
            }

            /** The credentials the folder's jobs can see: the folder's own and Global ones, never System ones. */
            @POST
            public ListBoxModel doFillCredentialsIdItems(@AncestorInPath Item folder, @QueryParameter String credentialsId) {
                StandardListBoxModel items = new StandardListBoxModel();
                if (!(folder instanceof ItemGroup<?> group) || !folder.hasPermission(Item.CONFIGURE)) {
                    return items.includeCurrentValue(credentialsId);
                }
                return items.includeEmptyValue()
                        .includeMatchingAs(ACL.SYSTEM2, group, StandardCredentials.class, List.of(),
                                CredentialsMatchers.anyOf(CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class),
                                        CredentialsMatchers.instanceOf(StringCredentials.class)))
                        .includeCurrentValue(credentialsId);
            }
        }
    }

    /** Listed among a folder's properties. */
    @Extension
    @Symbol("serviceNowFolderCredentials")
    public static final class DescriptorImpl extends AbstractFolderPropertyDescriptor {
        @Override
        public String getDisplayName() {
            return Messages.FolderCredentials_displayName();
        }
    }
}
