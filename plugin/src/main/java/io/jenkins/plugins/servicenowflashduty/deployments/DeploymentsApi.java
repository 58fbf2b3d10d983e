package io.jenkins.plugins.servicenowflashduty.deployments;

import hudson.model.Api;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.PrintWriter;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/** The deployments page's {@code api}: a filter it cannot read is a 400 with its sentence, not an empty answer. */
public final class DeploymentsApi extends Api {
    private final String error;

    DeploymentsApi(DeploymentsData data, String error) {
        super(data);
        this.error = error;
    }

    @Override
    public void doJson(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException {
        if (!refused(rsp)) {
            super.doJson(req, rsp);
        }
    }

    @Override
    public void doXml(StaplerRequest2 req, StaplerResponse2 rsp, String xpath, String wrapper, String tree, int depth)
            throws IOException, ServletException {
        if (!refused(rsp)) {
            super.doXml(req, rsp, xpath, wrapper, tree, depth);
        }
    }

    @Override
    public void doPython(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException, ServletException {
        if (!refused(rsp)) {
            super.doPython(req, rsp);
        }
    }

    private boolean refused(StaplerResponse2 rsp) throws IOException {
        if (error == null) {
            return false;
        }
        rsp.setStatus(400);
        rsp.setContentType("text/plain;charset=UTF-8");
        try (PrintWriter out = rsp.getWriter()) {
            out.println(error);
        }
        return true;
    }
}
