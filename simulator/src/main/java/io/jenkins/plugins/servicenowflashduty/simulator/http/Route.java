package io.jenkins.plugins.servicenowflashduty.simulator.http;

/** One API of the simulator. Answers the requests whose path it owns. */
public interface Route {
    /** Whether this route owns the path; the first route that does answers. */
    boolean matches(String path);

    Response handle(Request request) throws Exception;
}
