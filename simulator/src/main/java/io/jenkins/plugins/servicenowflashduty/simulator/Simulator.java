package io.jenkins.plugins.servicenowflashduty.simulator;

import com.sun.net.httpserver.HttpServer;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultPlan;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FdErrors;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Dispatcher;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Request;
import io.jenkins.plugins.servicenowflashduty.simulator.http.RequestLog;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Response;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Route;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowInstance;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.SnErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process ServiceNow instance and Flashduty endpoint on one local HTTP port, with fault injection
 * and a request log. Tests start one per class; {@link SandboxMain} runs one for people.
 *
 * <pre>{@code
 * try (Simulator sim = Simulator.start()) {
 *     String url = sim.baseUrl();                 // http://127.0.0.1:PORT
 *     sim.faults().on("POST", "/api/now/table/incident").times(1).respond(503);
 * }
 * }</pre>
 */
public final class Simulator implements AutoCloseable {
    static {
        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed
        // ACK: about 40 ms per keep-alive request. Read once, when the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final SimClock clock;
    private final ServiceNowSimulator serviceNow;
    private final FlashdutySimulator flashduty;
    private final FaultPlan faults = new FaultPlan();
    private final RequestLog requests = new RequestLog(10_000);
    private final HttpServer server;
    private final ExecutorService executor;

    private Simulator(String host, int port, SimClock clock) throws IOException {
        this.clock = clock;
        this.serviceNow = new ServiceNowSimulator(clock);
        this.flashduty = new FlashdutySimulator(clock);
        List<Route> routes = new ArrayList<>();
        routes.add(new ControlApi(this));
        routes.addAll(serviceNow.routes());
        routes.addAll(flashduty.routes());
        Dispatcher dispatcher = new Dispatcher(routes, faults, requests,
                (request, status) -> FaultAnswers.answer(request, status, clock), Simulator::noRoute);
        this.server = HttpServer.create(new InetSocketAddress(host, port), 256);
        // a cached pool: injected delays hold a thread each, and must not starve other requests
        this.executor = Executors.newCachedThreadPool(daemonThreads());
        server.setExecutor(executor);
        server.createContext("/", dispatcher);
        server.start();
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

    private static Response noRoute(Request request) {
        if (request.path().startsWith("/api/")) {
            return SnErrors.response(400, "Requested URI does not represent any resource", null);
        }
        if (request.path().startsWith("/event/")) {
            return FdErrors.response("RouteNotFound", "route " + request.path() + " not found");
        }
        return Response.text(404, "text/plain;charset=UTF-8", "Not found: " + request.path() + "\n");
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "simulator-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** {@code http://host:port}: the ServiceNow instance URL and the Flashduty API base at once. */
    public String baseUrl() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return "http://" + host + ":" + a.getPort();
    }

    public int port() {
        return server.getAddress().getPort();
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
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
