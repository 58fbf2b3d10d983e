package io.jenkins.plugins.servicenowflashduty.simulator.http;

import io.jenkins.plugins.servicenowflashduty.simulator.fault.Fault;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultPlan;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads each exchange, injects the planned fault, lets the first matching {@link Route} answer,
 * and records the request in the {@link RequestLog}.
 */
public final class Dispatcher implements HttpListener.Handler {
    /**
     * The largest request body read: ServiceNow's REST payload limit of 10 MB. Bodies are checked as they
     * arrive, by {@code Content-Length} or by counting a chunked body, never held whole first.
     */
    public static final int MAX_BODY = 10 * 1024 * 1024;
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

    /** The answers that are not a route's own, each shaped like the API the path belongs to. */
    public interface Answers {
        /** The body of an injected status. */
        Response fault(Request request, int status);

        /** A path no route owns. */
        Response noRoute(Request request);

        /** A request that could not be read; {@code detail} is one sentence saying why. */
        Response unreadable(Request request, String detail);

        /** A body over {@link #MAX_BODY}: {@code length} is its announced length, or what had arrived when reading stopped. */
        Response tooLarge(Request request, long length);
    }

    private final List<Route> routes;
    private final FaultPlan faults;
    private final RequestLog log;
    private final Answers answers;

    public Dispatcher(List<Route> routes, FaultPlan faults, RequestLog log, Answers answers) {
        this.routes = List.copyOf(routes);
        this.faults = faults;
        this.log = log;
        this.answers = answers;
    }

    @Override
    public void handle(Exchange exchange) throws IOException {
        String host = exchange.headers().getOrDefault("host", List.of()).stream().findFirst()
                .orElse(exchange.localAddress().getHostString() + ":" + exchange.localAddress().getPort());
        String method = exchange.method().isEmpty() ? "GET" : exchange.method();
        if (exchange.problem() != null) {
            Request request = new Request(method, exchange.target().startsWith("/") ? exchange.target() : "/", exchange.headers(), new byte[0], host);
            answer(exchange, request, answers.unreadable(request, exchange.problem()), "");
            return;
        }
        byte[] body;
        try {
            body = exchange.readBody(MAX_BODY);
        } catch (Exchange.TooLarge e) {
            Request request = new Request(method, exchange.target(), exchange.headers(), new byte[0], host);
            answer(exchange, request, answers.tooLarge(request, e.length()), "");
            return;
        } catch (Exchange.Unreadable e) {
            Request request = new Request(method, exchange.target(), exchange.headers(), new byte[0], host);
            answer(exchange, request, answers.unreadable(request, e.getMessage()), "");
            return;
        }
        Request request = new Request(method, exchange.target(), exchange.headers(), body, host);
        Optional<Fault> fault = faults.claim(request.method(), request.path());
        String faultText = fault.map(Fault::toString).orElse("");

        Response response = null;
        if (fault.isPresent() && !fault.get().afterProcessing()) {
            response = injectBefore(fault.get(), request);
            if (response == null && fault.get().drop()) {
                drop(exchange, request, faultText);
                return;
            }
        }
        if (response == null) {
            response = route(request);
        }
        if (fault.isPresent() && fault.get().afterProcessing()) {
            sleep(fault.get());
            if (fault.get().drop()) {
                drop(exchange, request, faultText);
                return;
            }
            if (fault.get().status() > 0) {
                response = withRetryAfter(answers.fault(request, fault.get().status()), fault.get());
            }
        }
        if (fault.isPresent() && !fault.get().stallBody().isZero()) {
            log.record(request, response.status(), faultText);
            exchange.respondStalling(response, fault.get().stallBody());
            return;
        }
        answer(exchange, request, response, faultText);
    }

    private void answer(Exchange exchange, Request request, Response response, String faultText) throws IOException {
        log.record(request, response.status(), faultText);
        exchange.respond(response);
    }

    private void drop(Exchange exchange, Request request, String faultText) {
        log.record(request, 0, faultText);
        exchange.drop(); // closing without an answer drops the connection
    }

    private Response injectBefore(Fault fault, Request request) {
        sleep(fault);
        if (fault.drop()) {
            return null;
        }
        if (fault.status() > 0) {
            return withRetryAfter(answers.fault(request, fault.status()), fault);
        }
        return null;
    }

    private static Response withRetryAfter(Response response, Fault fault) {
        if (fault.retryAfterSeconds() >= 0) {
            response.header("Retry-After", Integer.toString(fault.retryAfterSeconds()));
        }
        return response;
    }

    private static void sleep(Fault fault) {
        if (!fault.delay().isZero()) {
            try {
                Thread.sleep(fault.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Response route(Request request) {
        for (Route route : routes) {
            if (route.matches(request.path())) {
                try {
                    return route.handle(request);
                } catch (HttpError e) {
                    return e.response();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "Simulator route failed on " + request.method() + " " + request.path(), e);
                    return Response.json(500, java.util.Map.of("error", java.util.Map.of("message", "Internal simulator error", "detail", String.valueOf(e)), "status", "failure"));
                }
            }
        }
        return answers.noRoute(request);
    }
}
