package io.jenkins.plugins.servicenowflashduty.simulator.servicenow;

import io.jenkins.plugins.servicenowflashduty.simulator.http.Route;

/** One of the instance's HTTP APIs, working on the shared instance state, credentials and record shapes. */
abstract class ServiceNowRoute extends Route {
    /** What every ServiceNow API works with. */
    record Backend(ServiceNowInstance instance, OAuthTokens tokens, Authenticator auth, RecordRenderer renderer) {
    }

    final ServiceNowInstance instance;
    final OAuthTokens tokens;
    final Authenticator auth;
    final RecordRenderer renderer;

    ServiceNowRoute(Paths paths, Backend backend) {
        super(paths);
        this.instance = backend.instance();
        this.tokens = backend.tokens();
        this.auth = backend.auth();
        this.renderer = backend.renderer();
    }
}
