package io.jenkins.plugins.servicenowflashduty.config;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.Extension;
import hudson.security.ACL;
import hudson.Util;
import hudson.model.Job;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.automation.AlertOnFailure;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyAlerts;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.DeployEvents;
import io.jenkins.plugins.servicenowflashduty.client.flashduty.FlashdutyClient;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.BaseUrl;
import java.util.List;
import java.util.Map;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * The Flashduty section of Manage Jenkins » System: the API base URL (on-premise deployments change it) and
 * the credential holding the standard alert integration's key. {@code unclassified: flashduty:} in JCasC.
 */
@Extension
@Symbol("flashduty")
public final class FlashdutyConfiguration extends GlobalConfiguration {
    private volatile String baseUrl;
    private volatile String integrationKeyCredentialsId;
    private volatile boolean allowPlainHttp;
    private volatile AlertOnFailure alertOnFailure;
    private volatile String allowedJobs;
    private volatile String changeEventsCredentialsId;
    private volatile String changeEventLabels;

    public FlashdutyConfiguration() {
        load();
    }

    public static FlashdutyConfiguration get() {
        return GlobalConfiguration.all().getInstance(FlashdutyConfiguration.class);
    }

    /** Flashduty's SaaS API unless set. */
    public String getBaseUrl() {
        return baseUrl == null ? FlashdutyClient.DEFAULT_API_URL : baseUrl;
    }

    @DataBoundSetter
    public void setBaseUrl(String baseUrl) {
        String url = Util.fixEmptyAndTrim(baseUrl);
        this.baseUrl = FlashdutyClient.DEFAULT_API_URL.equals(url) ? null : url;
        save();
    }

    public String getIntegrationKeyCredentialsId() {
        return integrationKeyCredentialsId;
    }

    @DataBoundSetter
    public void setIntegrationKeyCredentialsId(String integrationKeyCredentialsId) {
        this.integrationKeyCredentialsId = Util.fixEmptyAndTrim(integrationKeyCredentialsId);
        save();
    }

    public boolean isAllowPlainHttp() {
        return allowPlainHttp;
    }

    @DataBoundSetter
    public void setAllowPlainHttp(boolean allowPlainHttp) {
        this.allowPlainHttp = allowPlainHttp;
        save();
    }

    /** The admin-wide rule for jobs nobody edits, or null when off. */
    public AlertOnFailure getAlertOnFailure() {
        return alertOnFailure;
    }

    @DataBoundSetter
    public void setAlertOnFailure(AlertOnFailure alertOnFailure) {
        this.alertOnFailure = alertOnFailure;
        save();
    }

    public String getAllowedJobs() {
        return allowedJobs;
    }

    /** Which jobs may send alerts: regular expressions on the job's full name, one per line; empty lets every job. */
    @DataBoundSetter
    public void setAllowedJobs(String allowedJobs) {
        this.allowedJobs = Util.fixEmptyAndTrim(allowedJobs);
        save();
    }

    /** The Secret text credential holding the push URL of a custom change integration; null: no change events. */
    public String getChangeEventsCredentialsId() {
        return changeEventsCredentialsId;
    }

    @DataBoundSetter
    public void setChangeEventsCredentialsId(String changeEventsCredentialsId) {
        this.changeEventsCredentialsId = Util.fixEmptyAndTrim(changeEventsCredentialsId);
        save();
    }

    /** Labels every change event carries, {@code key=value} one a line. */
    public String getChangeEventLabels() {
        return changeEventLabels;
    }

    @DataBoundSetter
    public void setChangeEventLabels(String changeEventLabels) {
        DeployEvents.parseLabels(changeEventLabels); // refuses a bad line, in JCasC too
        this.changeEventLabels = Util.fixEmptyAndTrim(changeEventLabels);
        save();
    }

    /** The labels as a map; empty when none. */
    public Map<String, String> changeLabels() {
        return DeployEvents.parseLabels(changeEventLabels);
    }

    /** Refuses, with one sentence, a job outside the allowed jobs. */
    public void checkMayUse(Job<?, ?> job) throws ConfigurationException {
        if (allowedJobs != null && !JobPatterns.matchesAny(allowedJobs, job.getFullName())) {
            throw new ConfigurationException(Messages.FlashdutyConfiguration_notAllowed(job.getFullName()));
        }
    }

    /** Bound apart, checked, then swapped in and saved once: a refused form changes nothing. */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        String url = Util.fixEmptyAndTrim(json.optString("baseUrl", ""));
        String jobs = Util.fixEmptyAndTrim(json.optString("allowedJobs", ""));
        Object rule = json.opt("alertOnFailure");
        AlertOnFailure onFailure = rule instanceof JSONObject o && !o.isNullObject() ? req.bindJSON(AlertOnFailure.class, o) : null;
        String problem = JobPatterns.problem(jobs);
        if (problem != null) {
            throw new FormException(problem, "allowedJobs");
        }
        String labels = Util.fixEmptyAndTrim(json.optString("changeEventLabels", ""));
        try {
            DeployEvents.parseLabels(labels);
        } catch (IllegalArgumentException e) {
            throw new FormException(e.getMessage(), "changeEventLabels");
        }
        synchronized (this) {
            baseUrl = FlashdutyClient.DEFAULT_API_URL.equals(url) ? null : url;
            integrationKeyCredentialsId = Util.fixEmptyAndTrim(json.optString("integrationKeyCredentialsId", ""));
            allowPlainHttp = json.optBoolean("allowPlainHttp");
            alertOnFailure = onFailure;
            allowedJobs = jobs;
            changeEventsCredentialsId = Util.fixEmptyAndTrim(json.optString("changeEventsCredentialsId", ""));
            changeEventLabels = labels;
        }
        save();
        return true;
    }

    String connectionKey() {
        return getBaseUrl() + '\n' + allowPlainHttp + '\n' + integrationKeyCredentialsId;
    }

    @POST
    public FormValidation doCheckBaseUrl(@QueryParameter String value, @QueryParameter boolean allowPlainHttp) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (Util.fixEmptyAndTrim(value) == null) {
            return FormValidation.ok();
        }
        try {
            BaseUrl.parse(value, allowPlainHttp, FlashdutyClient.DEFAULT_API_URL);
            return FormValidation.ok();
        } catch (ApiException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    @POST
    public FormValidation doCheckAllowedJobs(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return JobPatterns.validate(value);
    }

    @POST
    public ListBoxModel doFillIntegrationKeyCredentialsIdItems(@QueryParameter String integrationKeyCredentialsId) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return new StandardListBoxModel().includeCurrentValue(integrationKeyCredentialsId);
        }
        return new StandardListBoxModel().includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class, List.of(),
                        CredentialsMatchers.always())
                .includeCurrentValue(integrationKeyCredentialsId);
    }

    @POST
    public FormValidation doCheckChangeEventLabels(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            DeployEvents.parseLabels(value);
            return FormValidation.ok();
        } catch (IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    @POST
    public ListBoxModel doFillChangeEventsCredentialsIdItems(@QueryParameter String changeEventsCredentialsId) {
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return new StandardListBoxModel().includeCurrentValue(changeEventsCredentialsId);
        }
        return new StandardListBoxModel().includeEmptyValue()
                .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StringCredentials.class, List.of(), CredentialsMatchers.always())
                .includeCurrentValue(changeEventsCredentialsId);
    }

    /** Sends an Info event that recovers at once, with the values on the form. */
    @POST
    public FormValidation doSendTestAlert(@QueryParameter String baseUrl, @QueryParameter String integrationKeyCredentialsId,
                                          @QueryParameter boolean allowPlainHttp) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        try {
            FlashdutyClient client = Clients.get().flashdutyForAdmin(baseUrl, integrationKeyCredentialsId, allowPlainHttp);
            String requestId = new FlashdutyAlerts(client).sendTest(Jenkins.get().getRootUrl()).requestId();
            return FormValidation.ok(requestId.isEmpty() ? Messages.FlashdutyConfiguration_testSentNoId()
                    : Messages.FlashdutyConfiguration_testSent(requestId));
        } catch (ApiException | ConfigurationException e) {
            return FormValidation.error(e.getMessage());
        }
    }
}
