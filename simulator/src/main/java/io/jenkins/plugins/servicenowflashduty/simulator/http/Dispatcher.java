package io.jenkins.plugins.servicenowflashduty.simulator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.Fault;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultPlan;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads each exchange, injects the planned fault, lets the first matching {@link Route} answer,
 * and records the request in the {@link RequestLog}.
 */
public final class Dispatcher implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());

    private final List<Route> routes;
    private final FaultPlan faults;
    private final RequestLog log;
    private final BiFunction<Request, Integer, Response> faultAnswer;
    private final Function<Request, Response> noRoute;

    /**
     * @param faultAnswer builds the body of an injected status in the style of the API the path belongs to
     * @param noRoute answers a path no route owns
     */
    public Dispatcher(List<Route> routes, FaultPlan faults, RequestLog log,
                      BiFunction<Request, Integer, Response> faultAnswer, Function<Request, Response> noRoute) {
        this.routes = List.copyOf(routes);
        this.faults = faults;
        this.log = log;
        this.faultAnswer = faultAnswer;
        this.noRoute = noRoute;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (host == null) {
                host = exchange.getLocalAddress().getHostString() + ":" + exchange.getLocalAddress().getPort();
            }
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI(), exchange.getRequestHeaders(), body, host);
            Optional<Fault> fault = faults.claim(request.method(), request.path());
            String faultText = fault.map(Fault::toString).orElse("");

            Response response = null;
            if (fault.isPresent() && !fault.get().afterProcessing()) {
                response = injectBefore(fault.get(), request);
                if (response == null && fault.get().drop()) {
                    log.record(request, 0, faultText);
                    return; // closing without headers drops the connection
                }
            }
            if (response == null) {
                response = route(request);
            }
            if (fault.isPresent() && fault.get().afterProcessing()) {
                sleep(fault.get());
                if (fault.get().drop()) {
                    log.record(request, 0, faultText);
                    return;
                }
                if (fault.get().status() > 0) {
                    response = withRetryAfter(faultAnswer.apply(request, fault.get().status()), fault.get());
                }
            }
            log.record(request, response.status(), faultText);
            send(exchange, request, response);
        } catch (IOException e) {
            LOG.log(Level.FINE, "Client went away", e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Simulator failure", e);
        }
    }

    private Response injectBefore(Fault fault, Request request) {
        sleep(fault);
        if (fault.drop()) {
            return null;
        }
        if (fault.status() > 0) {
            return withRetryAfter(faultAnswer.apply(request, fault.status()), fault);
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
        return noRoute.apply(request);
    }

    private static void send(HttpExchange exchange, Request request, Response response) throws IOException {
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().put(k, v));
        byte[] body = response.body();
        boolean noBody = request.method().equals("HEAD") || response.status() == 204 || response.status() == 304;
        exchange.sendResponseHeaders(response.status(), noBody ? -1 : (body.length == 0 ? -1 : body.length));
        if (!noBody && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
