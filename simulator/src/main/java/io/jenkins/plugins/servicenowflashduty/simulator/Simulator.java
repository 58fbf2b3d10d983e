package io.jenkins.plugins.servicenowflashduty.simulator;

import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultPlan;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Dispatcher;
import io.jenkins.plugins.servicenowflashduty.simulator.http.HttpListener;
import io.jenkins.plugins.servicenowflashduty.simulator.http.RequestLog;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Route;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-process ServiceNow instance and Flashduty endpoint on one local HTTP port, with fault injection
 * and a request log. Tests start one each; {@link SandboxMain} runs one for people.
 *
 * <pre>{@code
 * try (Simulator sim = Simulator.start()) {
 *     String url = sim.baseUrl();                 // http://127.0.0.1:PORT
 *     sim.faults().on("POST", "/api/now/table/incident").times(1).respond(503);
 * }
 * }</pre>
 */
public final class Simulator implements AutoCloseable {
    private final SimClock clock;
    private final ServiceNowSimulator serviceNow;
    private final FlashdutySimulator flashduty;
    private final FaultPlan faults = new FaultPlan();
    private final RequestLog requests = new RequestLog(10_000);
    private final HttpListener server;

    private Simulator(String host, int port, SimClock clock) throws IOException {
        this.clock = clock;
        this.serviceNow = new ServiceNowSimulator(clock);
        this.flashduty = new FlashdutySimulator(clock);
        List<Route> routes = new ArrayList<>();
        routes.add(new ControlApi(this));
        routes.addAll(serviceNow.routes());
        routes.addAll(flashduty.routes());
        this.server = HttpListener.start(host, port, new Dispatcher(routes, faults, requests, new ApiAnswers(clock)));
    }

    /** Starts on a free port of 127.0.0.1. */
    public static Simulator start() {
        return start("127.0.0.1", 0);
    }

    public static Simulator start(String host, int port) {
        return start(host, port, SimClock.system());
    }

    public static Simulator start(String host, int port, SimClock clock) {
        try {
            return new Simulator(host, port, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the simulator on " + host + ":" + port, e);
        }
    }

    /** {@code http://host:port}: the ServiceNow instance URL and the Flashduty API base at once. */
    public String baseUrl() {
        InetSocketAddress a = server.address();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return "http://" + host + ":" + a.getPort();
    }

    public int port() {
        return server.address().getPort();
    }

    public ServiceNowInstance serviceNow() {
        return serviceNow.instance();
    }

    /** OAuth clients, tokens and API keys. */
    public io.jenkins.plugins.servicenowflashduty.simulator.servicenow.OAuthTokens oauth() {
        return serviceNow.tokens();
    }

    public FlashdutySimulator flashduty() {
        return flashduty;
    }

    public FaultPlan faults() {
        return faults;
    }

    public RequestLog requests() {
        return requests;
    }

    public SimClock clock() {
        return clock;
    }

    @Override
    public void close() {
        server.close();
    }
}
