package io.jenkins.plugins.servicenowflashduty.simulator;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultPlan;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The sandbox: a simulator that serves until stopped, for trying the plugin without a ServiceNow instance.
 *
 * <pre>java -jar simulator/target/sandbox.jar [--port 8089] [--host 127.0.0.1] [--state sandbox.json]
 *     [--approval approve-after-seconds:30] [--fault "POST /api/now/table/incident status=503 times=1"]</pre>
 */
public final class SandboxMain {
    static final int DEFAULT_PORT = 8089;
    private static final Set<String> OPTIONS = Set.of("--host", "--port", "--state", "--approval", "--fault");

    private SandboxMain() {
    }

    /** Parsed command line. */
    record Options(String host, int port, Path state, ApprovalPolicy approval, List<String> faults) {
    }

    /** The sandbox could not start; the message is one sentence for the person who started it. */
    static final class CannotStart extends Exception {
        private static final long serialVersionUID = 1L;

        CannotStart(String sentence) {
            super(sentence, null, false, false);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Starts the sandbox and serves until the JVM stops. When it cannot start it returns at once with a
     * non-zero code (2: bad options, 1: anything else), having printed one sentence saying why on {@code err}.
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (options == null) {
            out.println(usage());
            return 0;
        }
        Simulator sim;
        try {
            sim = start(options);
        } catch (CannotStart e) {
            err.println(e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (options.state() != null) {
                try {
                    save(sim, options.state());
                } catch (IOException e) {
                    err.println("Could not save the sandbox state to " + options.state() + ": " + e.getMessage() + ".");
                }
            }
            sim.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        banner(out, sim, options);
        stopped.await();
        return 0;
    }

    /** Reads the state file, if any, then starts a simulator with the options; nothing is left running when this fails. */
    static Simulator start(Options options) throws CannotStart {
        Map<String, Object> state = options.state() != null && Files.exists(options.state()) ? readState(options.state()) : null;
        Simulator sim;
        try {
            sim = Simulator.start(options.host(), options.port());
        } catch (UncheckedIOException e) {
            throw new CannotStart(cannotListen(options, e.getCause()));
        }
        sim.serviceNow().setApprovalPolicy(options.approval());
        options.faults().forEach(f -> sim.faults().add(FaultPlan.parse(f)));
        try {
            if (state != null) {
                sim.serviceNow().importState(state);
            }
        } catch (IllegalArgumentException e) {
            sim.close();
            throw new CannotStart("The state file " + options.state() + " does not hold a saved sandbox state ("
                    + e.getMessage() + "); fix or remove it.");
        }
        return sim;
    }

    private static Map<String, Object> readState(Path file) throws CannotStart {
        JsonNode tree;
        try {
            tree = Json.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new CannotStart("The state file " + file + " is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + "; fix or remove it.");
        } catch (IOException e) {
            throw new CannotStart("The state file " + file + " cannot be read (" + (Files.isDirectory(file) ? "it is a directory"
                    : e.getClass().getSimpleName() + ": " + e.getMessage()) + ").");
        }
        if (tree == null || tree.isMissingNode() || !tree.isObject()) {
            throw new CannotStart("The state file " + file + " does not hold a saved sandbox state (" + (tree == null || tree.isMissingNode()
                    ? "it is empty" : "it is not a JSON object") + "); fix or remove it.");
        }
        return Json.MAPPER.convertValue(tree, new TypeReference<Map<String, Object>>() { });
    }

    private static String cannotListen(Options options, Throwable cause) {
        String where = options.host() + ":" + options.port();
        if (cause instanceof BindException) {
            return "Port " + options.port() + " on " + options.host() + " is already in use (or not allowed); stop what uses it or choose another with --port.";
        }
        if (cause instanceof UnknownHostException) {
            return "Cannot listen on " + where + ": the host " + options.host() + " is unknown.";
        }
        return "Cannot listen on " + where + ": " + (cause == null ? "unknown error" : cause.getMessage()) + ".";
    }

    static Options parse(String[] args) {
        String host = "127.0.0.1";
        int port = DEFAULT_PORT;
        Path state = null;
        ApprovalPolicy approval = ApprovalPolicy.approveAfter(java.time.Duration.ofSeconds(30));
        List<String> faults = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (!OPTIONS.contains(a)) {
                throw new IllegalArgumentException("Unknown option " + a + "; run with --help to see the options.");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Option " + a + " needs a value; run with --help to see the options.");
            }
            String v = args[++i];
            switch (a) {
                case "--host" -> host = v;
                case "--port" -> port = port(v);
                case "--state" -> state = Path.of(v);
                case "--approval" -> approval = ApprovalPolicy.parse(v);
                default -> {
                    FaultPlan.parse(v); // fail early on a typo
                    faults.add(v);
                }
            }
        }
        return new Options(host, port, state, approval, faults);
    }

    private static int port(String v) {
        try {
            int port = Integer.parseInt(v.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("--port must be a number from 0 to 65535 (0: any free port), not '" + v + "'.");
    }

    static void save(Simulator sim, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), sim.serviceNow().exportState());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String usage() {
        return String.join("\n",
                "Usage: java -jar sandbox.jar [options]",
                "  --host HOST          address to listen on (default 127.0.0.1)",
                "  --port PORT          port to listen on (default " + DEFAULT_PORT + ", 0 for any free port)",
                "  --state FILE         load ServiceNow records from FILE and save them there on exit",
                "  --approval POLICY    approve-after-seconds:N (default 30), approve-after-polls:N,",
                "                       reject-after-polls:N, reject-after-seconds:N or never",
                "  --fault SPEC         inject a fault, e.g. \"POST /api/now/table/incident status=503 times=2\";",
                "                       words: status=N retry-after=S delay=MS drop after-processing times=N");
    }

    static void banner(PrintStream out, Simulator sim, Options options) {
        String url = sim.baseUrl();
        out.println("ServiceNow + Flashduty sandbox listening on " + url);
        out.println();
        out.println("ServiceNow instance URL: " + url);
        out.println("  Basic auth:  " + ServiceNowSimulator.INTEGRATION_USER + " / " + ServiceNowSimulator.INTEGRATION_PASSWORD
                + " (itil, change_manager)   " + ServiceNowSimulator.ADMIN_USER + " / " + ServiceNowSimulator.ADMIN_PASSWORD
                + " (admin)   " + ServiceNowSimulator.READONLY_USER + " / " + ServiceNowSimulator.READONLY_PASSWORD + " (no roles)");
        out.println("  OAuth:       client " + ServiceNowSimulator.OAUTH_CLIENT_ID + " / " + ServiceNowSimulator.OAUTH_CLIENT_SECRET
                + " (password and client_credentials grants)");
        out.println("  API key:     x-sn-apikey: " + ServiceNowSimulator.API_KEY);
        out.println("  Approvals:   " + sim.serviceNow().approvalPolicy());
        out.println("Flashduty API base URL:  " + url);
        out.println("  Integration key: " + FlashdutySimulator.INTEGRATION_KEY);
        if (options.state() != null) {
            out.println("State file: " + options.state().toAbsolutePath());
        }
        out.println();
        out.println("Try:  curl -u jenkins:jenkins '" + url + "/api/now/table/incident?sysparm_limit=5'");
        out.println("Steer: " + url + "/_sim/faults, /_sim/approval-policy, /_sim/requests, /_sim/flashduty/alerts");
        out.println("Stop with Ctrl-C.");
        out.flush();
    }
}
