package io.jenkins.plugins.servicenowflashduty.config;

import hudson.Extension;
import hudson.Util;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.automation.IncidentOnFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.verb.POST;

/**
 * The ServiceNow section of Manage Jenkins » System: the instances pipelines may use, by name. Read and
 * written by Configuration as Code as {@code unclassified: serviceNow:}.
 */
@Extension
@Symbol("serviceNow")
public final class ServiceNowConfiguration extends GlobalConfiguration {
    /** Replaced whole, never changed in place: a step reading it during a save sees the old list or the new one. */
    private volatile List<ServiceNowInstance> instances = new ArrayList<>();
    private volatile String defaultInstance;
    private volatile IncidentOnFailure incidentOnFailure;

    public ServiceNowConfiguration() {
        load();
    }

    public static ServiceNowConfiguration get() {
        return GlobalConfiguration.all().getInstance(ServiceNowConfiguration.class);
    }

    public List<ServiceNowInstance> getInstances() {
        return instances == null ? List.of() : List.copyOf(instances);
    }

    /**
     * Configuration as Code sets the list through this: a list with a blank or repeated name, or an instance without a
     * URL, is refused with the sentence the form gives, and nothing changes.
     */
    @DataBoundSetter
    public void setInstances(List<ServiceNowInstance> instances) {
        List<ServiceNowInstance> list = instances == null ? new ArrayList<>() : new ArrayList<>(instances);
        String problem = problem(list, null);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.instances = list;
        save();
    }

    public String getDefaultInstance() {
        return defaultInstance;
    }

    @DataBoundSetter
    public void setDefaultInstance(String defaultInstance) {
        this.defaultInstance = Util.fixEmptyAndTrim(defaultInstance);
        save();
    }

    /** The admin-wide rule for jobs nobody edits, or null when off. */
    public IncidentOnFailure getIncidentOnFailure() {
        return incidentOnFailure;
    }

    @DataBoundSetter
    public void setIncidentOnFailure(IncidentOnFailure incidentOnFailure) {
        this.incidentOnFailure = incidentOnFailure;
        save();
    }

    /**
     * The form's new configuration is bound apart, checked, and only then swapped in whole and saved once: a refused
     * form changes nothing, on disk or in memory, and a step never sees a half-saved configuration.
     */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        List<ServiceNowInstance> list = new ArrayList<>(req.bindJSONToList(ServiceNowInstance.class, json.opt("instances")));
        String defaultName = Util.fixEmptyAndTrim(json.optString("defaultInstance", ""));
        Object rule = json.opt("incidentOnFailure");
        IncidentOnFailure onFailure = rule instanceof JSONObject o && !o.isNullObject() ? req.bindJSON(IncidentOnFailure.class, o) : null;
        String problem = problem(list, defaultName);
        if (problem != null) {
            throw new FormException(problem, "instances");
        }
        synchronized (this) {
            instances = list;
            defaultInstance = defaultName;
            incidentOnFailure = onFailure;
        }
        save();
        return true;
    }

    /** What is wrong with a set of instances (blank or repeated names, no URL), or null. */
    static String problem(List<ServiceNowInstance> list, String defaultName) {
        Set<String> names = new HashSet<>();
        for (ServiceNowInstance i : list) {
            if (i.getName() == null) {
                return Messages.ServiceNowConfiguration_blankName();
            }
            if (!names.add(i.getName())) {
                return Messages.ServiceNowConfiguration_duplicateName(i.getName());
            }
            if (i.getUrl() == null) {
                return Messages.ServiceNowConfiguration_noUrl(i.getName());
            }
            String patterns = JobPatterns.problem(i.getAllowedJobs());
            if (patterns != null) {
                return patterns;
            }
        }
        if (defaultName != null && !names.contains(defaultName)) {
            return Messages.ServiceNowConfiguration_unknownDefault(defaultName);
        }
        return null;
    }

    /**
     * The instance a step names, or the default one: the named default, else the only instance.
     *
     * @param name as the pipeline gave it; blank for the default
     */
    public ServiceNowInstance instance(String name) throws ConfigurationException {
        List<ServiceNowInstance> list = getInstances();
        if (list.isEmpty()) {
            throw new ConfigurationException(Messages.ServiceNowConfiguration_noInstances());
        }
        String wanted = Util.fixEmptyAndTrim(name);
        if (wanted == null) {
            wanted = defaultInstance;
        }
        if (wanted == null) {
            if (list.size() == 1) {
                return list.get(0);
            }
            throw new ConfigurationException(Messages.ServiceNowConfiguration_whichInstance(names(list)));
        }
        for (ServiceNowInstance i : list) {
            if (wanted.equals(i.getName())) {
                return i;
            }
        }
        throw new ConfigurationException(Messages.ServiceNowConfiguration_unknownInstance(wanted, names(list)));
    }

    private static String names(List<ServiceNowInstance> list) {
        return list.stream().map(ServiceNowInstance::getName).collect(Collectors.joining(", "));
    }

    @POST
    public ListBoxModel doFillDefaultInstanceItems() {
        ListBoxModel items = new ListBoxModel();
        if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
            return items;
        }
        items.add(Messages.ServiceNowConfiguration_onlyInstance(), "");
        getInstances().forEach(i -> items.add(i.getName()));
        return items;
    }

    @POST
    public FormValidation doCheckDefaultInstance(@QueryParameter String value) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        if (Util.fixEmptyAndTrim(value) == null && getInstances().size() > 1) {
            return FormValidation.warning(Messages.ServiceNowConfiguration_noDefault());
        }
        return FormValidation.ok();
    }
}
