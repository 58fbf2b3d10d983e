package io.jenkins.plugins.servicenowflashduty.client.bench;

import io.jenkins.plugins.servicenowflashduty.client.http.BasicAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.TableQuery;
import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Prints what the client adds on top of a bare {@code HttpClient} doing the same request against the same
 * simulator in the same run: median and p99 latency of a record read and of an incident create, measured
 * alternately so both see the same machine. A program, not a test.
 *
 * <pre>mvn -B -DskipPlugin -q -pl client -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.jenkins.plugins.servicenowflashduty.client.bench.ClientOverheadBenchmark [-Dexec.args=3000]</pre>
 */
public final class ClientOverheadBenchmark {
    /** The client's request timeout; the bare calls set it too, so both send the same request. */
    private static final java.time.Duration TIMEOUT = HttpSettings.defaults("x").requestTimeout();

    private ClientOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        try (Simulator sim = Simulator.start()) {
            ServiceNowClient client = new ServiceNowClient(sim.baseUrl(), true, new BasicAuthentication("jenkins", SecretValue.of("jenkins")),
                    HttpSettings.defaults("x"));
            HttpClient bare = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String auth = "Basic " + Base64.getEncoder().encodeToString("jenkins:jenkins".getBytes(StandardCharsets.UTF_8));
            String sysId = client.create("incident", Map.of("short_description", "benchmark")).sysId();
            URI one = URI.create(sim.baseUrl() + "/api/now/table/incident/" + sysId
                    + "?sysparm_exclude_reference_link=true&sysparm_display_value=false");
            URI table = URI.create(sim.baseUrl() + "/api/now/table/incident?sysparm_exclude_reference_link=true&sysparm_display_value=false");
            String body = "{\"short_description\":\"Build failed\",\"urgency\":\"2\"}";

            Runnable bareGet = () -> send(bare, HttpRequest.newBuilder(one).timeout(TIMEOUT).header("Authorization", auth).header("Accept", "application/json").build());
            Runnable clientGet = () -> client.get("incident", sysId);
            Runnable barePost = () -> send(bare, HttpRequest.newBuilder(table).timeout(TIMEOUT).header("Authorization", auth).header("Accept", "application/json")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
            Runnable clientPost = () -> client.create("incident", Map.of("short_description", "Build failed", "urgency", "2"),
                    TableQuery.where("correlation_id").is("bench"), r -> false);

            System.out.printf(Locale.ROOT, "Client overhead: %d calls each, alternating, against the in-process simulator; Java %s, %d cores%n",
                    n, Runtime.version(), Runtime.getRuntime().availableProcessors());
            compare("warm-up", Math.min(n, 1000), bareGet, clientGet, false);
            compare("GET one record", n, bareGet, clientGet, true);
            compare("create incident", n, barePost, clientPost, true);
            sim.requests().clear();
        }
    }

    private static void send(HttpClient client, HttpRequest request) {
        try {
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() >= 300) {
                throw new IllegalStateException("HTTP " + r.statusCode());
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void compare(String name, int n, Runnable bare, Runnable client, boolean print) {
        long[] b = new long[n];
        long[] c = new long[n];
        for (int i = 0; i < n; i++) {
            b[i] = time(bare);
            c[i] = time(client);
        }
        if (!print) {
            return;
        }
        Arrays.sort(b);
        Arrays.sort(c);
        double bm = b[n / 2] / 1e3;
        double cm = c[n / 2] / 1e3;
        double b99 = b[(int) (n * 0.99)] / 1e3;
        double c99 = c[(int) (n * 0.99)] / 1e3;
        System.out.printf(Locale.ROOT, "%-16s bare median %7.1f us  p99 %7.1f us | client median %7.1f us  p99 %7.1f us | ratio median %.2fx  p99 %.2fx%n",
                name, bm, b99, cm, c99, cm / bm, c99 / b99);
    }

    private static long time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return System.nanoTime() - t;
    }
}
