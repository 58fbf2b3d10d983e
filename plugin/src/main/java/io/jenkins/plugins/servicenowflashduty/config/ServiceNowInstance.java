package io.jenkins.plugins.servicenowflashduty.config;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import com.cloudbees.plugins.credentials.CredentialsMatchers;
import hudson.Extension;
import hudson.security.ACL;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Job;
import hudson.model.Descriptor;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.BaseUrl;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ConnectionCheck;
import java.util.Arrays;
import java.util.List;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * One ServiceNow instance as an admin configures it: a name pipelines use, the URL, the credentials the
 * plugin signs in with, and defaults for steps that leave fields out. Holds credentials IDs only.
 */
public final class ServiceNowInstance implements Describable<ServiceNowInstance> {
    private final String name;
    private final String url;
    private final String credentialsId;
    private String oauthCredentialsId;
    private boolean allowPlainHttp;
    private String assignmentGroup;
    private String caller;
    private String category;
    private String configurationItem;
    private String allowedJobs;
    private String queryTables;

    /** The tables {@code serviceNowQuery} may read when an admin names none: the tickets a deployment deals with. */
    public static final List<String> DEFAULT_QUERY_TABLES =
            List.of("incident", "change_request", "change_task", "problem", "cmdb_ci", "sys_user_group");

    @DataBoundConstructor
    public ServiceNowInstance(String name, String url, String credentialsId) {
        this.name = Util.fixEmptyAndTrim(name);
        this.url = Util.fixEmptyAndTrim(url);
        this.credentialsId = Util.fixEmptyAndTrim(credentialsId);
    }

    public String getName() {
        return name;
    }

    public String getUrl() {
        return url;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    public String getOauthCredentialsId() {
        return oauthCredentialsId;
    }

    @DataBoundSetter
    public void setOauthCredentialsId(String oauthCredentialsId) {
        this.oauthCredentialsId = Util.fixEmptyAndTrim(oauthCredentialsId);
    }

    public boolean isAllowPlainHttp() {
        return allowPlainHttp;
    }

    @DataBoundSetter
    public void setAllowPlainHttp(boolean allowPlainHttp) {
        this.allowPlainHttp = allowPlainHttp;
    }

    public String getAssignmentGroup() {
        return assignmentGroup;
    }

    @DataBoundSetter
    public void setAssignmentGroup(String assignmentGroup) {
        this.assignmentGroup = Util.fixEmptyAndTrim(assignmentGroup);
    }

    public String getCaller() {
        return caller;
    }

    @DataBoundSetter
    public void setCaller(String caller) {
        this.caller = Util.fixEmptyAndTrim(caller);
    }

    public String getCategory() {
        return category;
    }

    @DataBoundSetter
    public void setCategory(String category) {
        this.category = Util.fixEmptyAndTrim(category);
    }

    public String getConfigurationItem() {
        return configurationItem;
    }

    @DataBoundSetter
    public void setConfigurationItem(String configurationItem) {
        this.configurationItem = Util.fixEmptyAndTrim(configurationItem);
    }

    public String getAllowedJobs() {
        return allowedJobs;
    }

    /**
     * Which jobs may use this instance: regular expressions on the job's full name, one per line
     * ({@code team-a/.*}); empty lets every job use it.
     */
    @DataBoundSetter
    public void setAllowedJobs(String allowedJobs) {
        this.allowedJobs = Util.fixEmptyAndTrim(allowedJobs);
    }

    public String getQueryTables() {
        return queryTables;
    }

    /** The tables pipelines may read with {@code serviceNowQuery}, separated by commas or lines; empty for the default list. */
    @DataBoundSetter
    public void setQueryTables(String queryTables) {
        this.queryTables = Util.fixEmptyAndTrim(queryTables);
    }

    /** The tables {@code serviceNowQuery} may read on this instance. */
    public List<String> queryableTables() {
        if (queryTables == null) {
            return DEFAULT_QUERY_TABLES;
        }
        return Arrays.stream(queryTables.split("[,\\s]+")).filter(t -> !t.isBlank()).map(String::strip).toList();
    }

    /** Refuses, with one sentence naming the instance, a job outside the instance's allowed jobs. */
    public void checkMayUse(Job<?, ?> job) throws ConfigurationException {
        if (allowedJobs != null && !JobPatterns.matchesAny(allowedJobs, job.getFullName())) {
            throw new ConfigurationException(Messages.ServiceNowInstance_notAllowed(name, job.getFullName()));
        }
    }

    @Override
    public Descriptor<ServiceNowInstance> getDescriptor() {
        return Jenkins.get().getDescriptorOrDie(ServiceNowInstance.class);
    }

    /** The request with this instance's defaults (category, assignment group, caller, CI) where it names none. */
    public IncidentRequest withDefaults(IncidentRequest r) {
        return new IncidentRequest(r.correlationKey(), r.shortDescription(), r.description(), r.urgency(), r.impact(),
                or(r.category(), category), r.subcategory(), or(r.assignmentGroup(), assignmentGroup), or(r.caller(), caller),
                or(r.configurationItem(), configurationItem), r.extraFields(), r.workNote());
    }

    private static String or(String given, String fallback) {
        return given != null ? given : fallback;
    }

    /** What identifies the connection (not the defaults): clients are cached by it. */
    String connectionKey() {
        return url + '\n' + allowPlainHttp + '\n' + credentialsId + '\n' + oauthCredentialsId;
    }

    @Override
    public String toString() {
        return "ServiceNow instance " + name + " (" + url + ")";
    }

    /** Form validation, credential lists and the connection test of one instance. */
    @Extension
    @Symbol("serviceNowInstance")
    public static final class DescriptorImpl extends Descriptor<ServiceNowInstance> {

        @Override
        public String getDisplayName() {
            return Messages.ServiceNowInstance_displayName();
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            if (Util.fixEmptyAndTrim(value) == null) {
                return FormValidation.error(Messages.ServiceNowInstance_nameRequired());
            }
            if (!value.strip().matches("[A-Za-z0-9._-]+")) {
                return FormValidation.error(Messages.ServiceNowInstance_nameCharacters());
            }
            return FormValidation.ok();
        }

        @POST
        public FormValidation doCheckUrl(@QueryParameter String value, @QueryParameter boolean allowPlainHttp) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            try {
                BaseUrl.parse(value, allowPlainHttp);
                return FormValidation.ok();
            } catch (ApiException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        @POST
        public FormValidation doCheckCredentialsId(@QueryParameter String value, @QueryParameter String oauthCredentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return Util.fixEmptyAndTrim(value) == null && Util.fixEmptyAndTrim(oauthCredentialsId) == null
                    ? FormValidation.error(Messages.ServiceNowInstance_credentialsRequired()) : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckAllowedJobs(@QueryParameter String value) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            return JobPatterns.validate(value);
        }

        /** Username with password (Basic, or the OAuth password grant) or secret text (an API key). */
        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
                return new StandardListBoxModel().includeCurrentValue(credentialsId);
            }
            return new StandardListBoxModel().includeEmptyValue()
                    .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardCredentials.class, List.of(),
                            CredentialsMatchers.anyOf(CredentialsMatchers.instanceOf(StandardUsernamePasswordCredentials.class),
                                    CredentialsMatchers.instanceOf(StringCredentials.class)))
                    .includeCurrentValue(credentialsId);
        }

        /** The OAuth client: client id as user name, client secret as password. */
        @POST
        public ListBoxModel doFillOauthCredentialsIdItems(@QueryParameter String oauthCredentialsId) {
            if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
                return new StandardListBoxModel().includeCurrentValue(oauthCredentialsId);
            }
            return new StandardListBoxModel().includeEmptyValue()
                    .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardUsernamePasswordCredentials.class,
                            List.of(), CredentialsMatchers.always())
                    .includeCurrentValue(oauthCredentialsId);
        }

        /** Reads one incident as the configured user and says who that is and which roles it lacks. */
        @POST
        public FormValidation doTestConnection(@QueryParameter String name, @QueryParameter String url, @QueryParameter String credentialsId,
                                               @QueryParameter String oauthCredentialsId, @QueryParameter boolean allowPlainHttp) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            // named as on the form, so a sentence about its credential names the instance being edited
            String shown = name == null || name.isBlank() ? Messages.ServiceNowInstance_unnamed() : name.strip();
            ServiceNowInstance candidate = new ServiceNowInstance(shown, url, credentialsId);
            candidate.setOauthCredentialsId(oauthCredentialsId);
            candidate.setAllowPlainHttp(allowPlainHttp);
            try {
                return FormValidation.ok(ConnectionCheck.run(Clients.get().serviceNowForAdmin(candidate)));
            } catch (ApiException e) {
                return FormValidation.error(e.getMessage());
            } catch (ConfigurationException e) {
                return FormValidation.error(e.getMessage());
            }
        }
    }
}
