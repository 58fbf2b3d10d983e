package io.jenkins.plugins.servicenowflashduty.client.servicenow;

import io.jenkins.plugins.servicenowflashduty.client.http.BasicAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.RecordingSleeper;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;

/** A client of the simulator as the integration user, with retries that wait no real time. */
public final class SimulatedInstance {
    private SimulatedInstance() {
    }

    public static ServiceNowClient client(Simulator sim) {
        return client(sim, "jenkins", "jenkins");
    }

    public static ServiceNowClient client(Simulator sim, String user, String password) {
        return new ServiceNowClient(sim.baseUrl(), true, new BasicAuthentication(user, SecretValue.of(password)),
                HttpSettings.defaults("x").withSleeper(new RecordingSleeper()));
    }
}
