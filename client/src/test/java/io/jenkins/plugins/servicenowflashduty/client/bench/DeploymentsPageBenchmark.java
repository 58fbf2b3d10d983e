package io.jenkins.plugins.servicenowflashduty.client.bench;

import io.jenkins.plugins.servicenowflashduty.client.deployments.Deployment;
import io.jenkins.plugins.servicenowflashduty.client.deployments.DeploymentLedger;
import io.jenkins.plugins.servicenowflashduty.client.deployments.DoraFigures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * What the deployments page costs for N recorded deployments. Without a Jenkins: writes N deployments (two years of
 * them, one in ten failed with an incident) to a file, then prints how long reading them and working out the weekly
 * DORA figures take, cold and warm. With a Jenkins: writes them into the folder of an existing job (its
 * {@code servicenow-deployments.jsonl}) and prints the time of the page, its {@code api/json} and its CSV, the first
 * request (the file read) and the median of the next ones. A program, not a test: its figures go into the docs.
 *
 * <pre>mvn -B -DskipPlugin -q -pl client -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.jenkins.plugins.servicenowflashduty.client.bench.DeploymentsPageBenchmark \
 *     -Dexec.args="10000 [JOB_FOLDER JENKINS_URL USER:API_TOKEN]"</pre>
 */
public final class DeploymentsPageBenchmark {
    private DeploymentsPageBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1 && args.length != 4) {
            System.err.println("usage: DeploymentsPageBenchmark DEPLOYMENTS [JOB_FOLDER JENKINS_URL USER:API_TOKEN]");
            System.exit(2);
        }
        int n = Integer.parseInt(args[0]);
        if (args.length == 1) {
            Path file = Files.createTempDirectory("deployments").resolve(DeploymentLedger.FILE_NAME);
            write(file, n);
            System.out.printf("%,d deployments, file %,d bytes%n", n, Files.size(file));
            for (int round = 1; round <= 5; round++) {
                long t0 = System.nanoTime();
                List<Deployment> all = DeploymentLedger.read(file);
                long t1 = System.nanoTime();
                List<DoraFigures.Week> weeks = DoraFigures.weekly(all, null, null);
                DoraFigures.Totals totals = DoraFigures.totals(all, weeks);
                long t2 = System.nanoTime();
                System.out.printf("round %d: read %d ms, weekly figures (%d weeks, %d deployed) %d ms%n", round, (t1 - t0) / 1_000_000,
                        weeks.size(), totals.deployments(), (t2 - t1) / 1_000_000);
            }
            return;
        }
        Path file = Path.of(args[1]).resolve(DeploymentLedger.FILE_NAME);
        Files.deleteIfExists(file);
        write(file, n);
        System.out.printf("%,d deployments written to %s (%,d bytes)%n", n, file, Files.size(file));
        String jenkins = args[2].endsWith("/") ? args[2] : args[2] + "/";
        String auth = "Basic " + Base64.getEncoder().encodeToString(args[3].getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("servicenow-deployments/", "servicenow-deployments/api/json", "servicenow-deployments/csv",
                "servicenow-deployments/?result=failed&from=2026-01-01")) {
            if (path.equals("servicenow-deployments/")) {
                Files.writeString(file, "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND); // the next read is cold
            }
            long[] ms = new long[6];
            long bytes = 0;
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(jenkins + path)).header("Authorization", auth)
                        .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofByteArray());
                ms[i] = (System.nanoTime() - t0) / 1_000_000;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(path + " answered " + r.statusCode());
                }
                bytes = r.body().length;
            }
            long[] warm = Arrays.copyOfRange(ms, 1, ms.length);
            Arrays.sort(warm);
            System.out.printf("%-55s first %5d ms, then median %5d ms (%,d bytes)%n", path, ms[0], warm[warm.length / 2], bytes);
        }
    }

    /** Two years of deployments, newest last; one in ten failed, with an incident restored within hours. */
    private static void write(Path file, int n) {
        Random random = new Random(19);
        Instant end = Instant.parse("2026-12-04T00:00:00Z");
        Duration span = Duration.ofDays(730);
        List<Deployment> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant started = end.minus(span).plusSeconds(span.getSeconds() * i / Math.max(1, n));
            boolean failed = random.nextInt(10) == 0;
            Instant ended = started.plusSeconds(60 + random.nextInt(900));
            Instant opened = started.minusSeconds(300 + random.nextInt(7200));
            Deployment d = new Deployment(i + 1, "CHG" + (1_000_000 + i), "https://example.service-now.com/change_request.do?sys_id=" + i, "normal",
                    failed && random.nextBoolean() ? Deployment.UNSUCCESSFUL : Deployment.SUCCESSFUL, opened, opened.plusSeconds(120),
                    started, ended, started.minusSeconds(3600L * (1 + random.nextInt(72))), "", "", null, null);
            all.add(d);
        }
        for (Deployment d : all) {
            DeploymentLedger.deployed(file, d);
        }
        for (Deployment d : all) {
            if (random.nextInt(10) == 0) {
                String incident = "INC" + (2_000_000 + d.build());
                DeploymentLedger.incident(file, d.change(), incident, "", d.ended().plusSeconds(600));
                DeploymentLedger.restored(file, incident, d.ended().plusSeconds(600 + random.nextInt(14_400)));
            }
        }
    }
}
