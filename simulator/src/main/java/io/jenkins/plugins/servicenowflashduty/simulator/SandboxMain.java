package io.jenkins.plugins.servicenowflashduty.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jenkins.plugins.servicenowflashduty.simulator.fault.FaultPlan;
import io.jenkins.plugins.servicenowflashduty.simulator.flashduty.FlashdutySimulator;
import io.jenkins.plugins.servicenowflashduty.simulator.http.Json;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ApprovalPolicy;
import io.jenkins.plugins.servicenowflashduty.simulator.servicenow.ServiceNowSimulator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The sandbox: a simulator that serves until stopped, for trying the plugin without a ServiceNow instance.
 *
 * <pre>java -jar simulator/target/sandbox.jar [--port 8089] [--host 127.0.0.1] [--state sandbox.json]
 *     [--approval approve-after-seconds:30] [--fault "POST /api/now/table/incident status=503 times=1"]</pre>
 */
public final class SandboxMain {
    static final int DEFAULT_PORT = 8089;

    private SandboxMain() {
    }

    /** Parsed command line. */
    record Options(String host, int port, Path state, ApprovalPolicy approval, List<String> faults) {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(usage());
            return;
        }
        Simulator sim = Simulator.start(options.host(), options.port());
        sim.serviceNow().setApprovalPolicy(options.approval());
        options.faults().forEach(f -> sim.faults().add(FaultPlan.parse(f)));
        if (options.state() != null && Files.exists(options.state())) {
            Map<String, Object> state = Json.MAPPER.readValue(options.state().toFile(), new TypeReference<Map<String, Object>>() { });
            sim.serviceNow().importState(state);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (options.state() != null) {
                try {
                    save(sim, options.state());
                } catch (IOException e) {
                    System.err.println("Could not save the sandbox state to " + options.state() + ": " + e.getMessage());
                }
            }
            sim.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        banner(System.out, sim, options);
        stopped.await();
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
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Option " + a + " needs a value.");
            }
            String v = args[++i];
            switch (a) {
                case "--host" -> host = v;
                case "--port" -> {
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port must be a number, not '" + v + "'.");
                    }
                }
                case "--state" -> state = Path.of(v);
                case "--approval" -> approval = ApprovalPolicy.parse(v);
                case "--fault" -> {
                    FaultPlan.parse(v); // fail early on a typo
                    faults.add(v);
                }
                default -> throw new IllegalArgumentException("Unknown option " + a + ".");
            }
        }
        return new Options(host, port, state, approval, faults);
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
