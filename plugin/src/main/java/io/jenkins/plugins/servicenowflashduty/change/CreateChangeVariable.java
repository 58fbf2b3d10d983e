package io.jenkins.plugins.servicenowflashduty.change;

import groovy.lang.Closure;
import hudson.Extension;
import java.io.IOException;
import java.util.Map;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.workflow.cps.CpsScript;
import org.jenkinsci.plugins.workflow.cps.CpsThread;
import org.jenkinsci.plugins.workflow.cps.DSL;
import org.jenkinsci.plugins.workflow.cps.GlobalVariable;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;

/**
 * Makes {@code serviceNowCreateChange} answer with and without a block. Pipeline insists that a step taking a
 * block always gets one, but resolves global variables before steps: this one runs a call with a block as the
 * step {@link CreateChangeStep} and a call without one as {@link OpenChangeStep}, both under the name
 * {@code serviceNowCreateChange} (Pipeline checks that a call runs under the name it was made with). Both
 * then run as ordinary steps: asynchronous, and resumed after a restart.
 */
@Extension
public final class CreateChangeVariable extends GlobalVariable {
    static final String NAME = "serviceNowCreateChange";

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Object getValue(CpsScript script) {
        return new Call();
    }

    /** What {@code serviceNowCreateChange(...)} calls; made afresh for each call, never kept with the program. */
    public static final class Call {
        public Object call() throws IOException {
            return call(Map.of());
        }

        public Object call(Map<String, Object> args) throws IOException {
            return Steps.current().invokeMethod(NAME, new Object[] {args});
        }

        public Object call(Closure<?> body) throws IOException {
            return call(Map.of(), body);
        }

        public Object call(Map<String, Object> args, Closure<?> body) throws IOException {
            return Steps.current().invokeMethod(NAME, new Object[] {args, body});
        }
    }

    /**
     * The Pipeline step dispatcher of the running build, which finds {@code serviceNowCreateChange} as usual and
     * runs a call without a block as {@link OpenChangeStep}, still under that name.
     */
    private static final class Steps extends DSL {
        private static final long serialVersionUID = 1L;

        private Steps(CpsThread thread) throws IOException {
            super(thread.getExecution().getOwner());
        }

        static Steps current() throws IOException {
            CpsThread thread = CpsThread.current();
            if (thread == null) {
                throw new IllegalStateException(NAME + " can only be called from a Pipeline script");
            }
            return new Steps(thread);
        }

        @Override
        protected Object invokeStep(StepDescriptor d, String name, Object args) {
            boolean block = args instanceof Object[] a && a.length > 0 && a[a.length - 1] instanceof Closure;
            StepDescriptor step = NAME.equals(name) && !block ? Jenkins.get().getDescriptorByType(OpenChangeStep.DescriptorImpl.class) : d;
            return super.invokeStep(step, name, args);
        }
    }
}
