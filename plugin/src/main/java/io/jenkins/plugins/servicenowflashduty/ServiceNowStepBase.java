package io.jenkins.plugins.servicenowflashduty;

import hudson.EnvVars;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.servicenowflashduty.config.Clients;
import io.jenkins.plugins.servicenowflashduty.config.ConfigurationException;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowConfiguration;
import io.jenkins.plugins.servicenowflashduty.config.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.util.Set;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.verb.POST;

/** What every ServiceNow step takes: which configured instance (by name), and whether to log each request. */
public abstract class ServiceNowStepBase extends Step {
    private String instance;
    private boolean verbose;

    public String getInstance() {
        return instance;
    }

    /** A configured instance's name; the default instance when left out. */
    @DataBoundSetter
    public void setInstance(String instance) {
        this.instance = Util.fixEmptyAndTrim(instance);
    }

    public boolean isVerbose() {
        return verbose;
    }

    @DataBoundSetter
    public void setVerbose(boolean verbose) {
        this.verbose = verbose;
    }

    /** The configured instance this step names. */
    public static ServiceNowInstance configured(String name) throws ConfigurationException {
        return ServiceNowConfiguration.get().instance(name);
    }

    /** The instance's client for this build, reporting requests to the console when {@code verbose}. */
    public static ServiceNowClient client(ServiceNowInstance instance, StepContext context, boolean verbose) throws Exception {
        ServiceNowClient client = Clients.get().serviceNow(instance, context.get(Run.class));
        return verbose ? client.withListener(new StepLog(context.get(TaskListener.class)).requests("ServiceNow")) : client;
    }

    /** Whether the user may fill in a step's form: configure the job, or administer Jenkins outside any job. */
    public static boolean mayConfigure(Item item) {
        return item == null ? Jenkins.get().hasPermission(Jenkins.ADMINISTER) : item.hasPermission(Item.CONFIGURE);
    }

    /** Descriptor shared by the ServiceNow steps: the context they need and the instance drop-down. */
    public abstract static class DescriptorBase extends StepDescriptor {
        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, EnvVars.class);
        }

        /** Names only; anyone who may configure the job may see which instances exist. */
        @POST
        public ListBoxModel doFillInstanceItems(@AncestorInPath Item item) {
            ListBoxModel items = new ListBoxModel();
            if (!mayConfigure(item)) {
                return items;
            }
            items.add(Messages.ServiceNowStep_defaultInstance(), "");
            ServiceNowConfiguration.get().getInstances().forEach(i -> items.add(i.getName()));
            return items;
        }
    }
}
