package io.jenkins.plugins.servicenowflashduty.change;

import hudson.Extension;
import org.jenkinsci.plugins.workflow.cps.CpsScript;
import org.jenkinsci.plugins.workflow.cps.GlobalVariable;
import org.jenkinsci.plugins.workflow.cps.GroovySourceFileAllowlist;

/**
 * Makes {@code serviceNowCreateChange} answer with and without a block. Pipeline insists that a step taking a
 * block always gets one, but resolves global variables before steps: this one hands a call with a block to the
 * step {@link CreateChangeStep} and a call without one to {@link OpenChangeStep} ({@code serviceNowOpenChange}),
 * through the script's {@code steps} variable. Public Pipeline API only: the dispatcher is a small Groovy class
 * ({@code CreateChangeCall.groovy}) loaded through the script's class loader, as Docker Pipeline's {@code docker}
 * variable is, so it runs as Pipeline code (durable, resumable) and trusted.
 *
 * <p>What that costs: the flow graph shows the plain form under the name of the step that ran it,
 * {@code serviceNowOpenChange}.
 */
@Extension
public final class CreateChangeVariable extends GlobalVariable {
    static final String NAME = "serviceNowCreateChange";
    private static final String DISPATCHER = "io.jenkins.plugins.servicenowflashduty.change.CreateChangeCall";
    private static final String DISPATCHER_SOURCE = "/" + DISPATCHER.replace('.', '/') + ".groovy";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Object getValue(CpsScript script) throws Exception {
        // a constructor, not a method: a CPS-transformed method called from here would not run
        return script.getClass().getClassLoader().loadClass(DISPATCHER).getConstructor(CpsScript.class).newInstance(script);
    }

    /** Lets Pipeline load the dispatcher's Groovy source, and only that file of this plugin. */
    @Extension
    public static final class DispatcherSource extends GroovySourceFileAllowlist {
        @Override
        public boolean isAllowed(String groovySourceFileUrl) {
            return groovySourceFileUrl.endsWith(DISPATCHER_SOURCE);
        }
    }
}
