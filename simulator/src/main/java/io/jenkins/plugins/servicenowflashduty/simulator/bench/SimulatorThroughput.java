package io.jenkins.plugins.servicenowflashduty.simulator.bench;

import io.jenkins.plugins.servicenowflashduty.simulator.Simulator;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prints how many small Table API requests a second the simulator answers on this machine, so it is
 * known not to be what limits a load test. A program, not a test: its figures go into the README.
 *
 * <pre>java -cp simulator/target/sandbox.jar io.jenkins.plugins.servicenowflashduty.simulator.bench.SimulatorThroughput [seconds] [threads]</pre>
 */
public final class SimulatorThroughput {
    private SimulatorThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        try (Simulator sim = Simulator.start()) {
            String auth = "Basic " + Base64.getEncoder().encodeToString("jenkins:jenkins".getBytes(StandardCharsets.UTF_8));
            String sysId = sim.serviceNow().insert("incident", Map.of("short_description", "benchmark")).get("sys_id");
            String get = "GET /api/now/table/incident/" + sysId + "?sysparm_fields=number,state HTTP/1.1\r\nHost: bench\r\n"
                    + "Authorization: " + auth + "\r\nAccept: application/json\r\n\r\n";
            String body = "{\"short_description\":\"benchmark incident\"}";
            String post = "POST /api/now/table/incident HTTP/1.1\r\nHost: bench\r\nAuthorization: " + auth
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
            System.out.printf(Locale.ROOT, "Simulator throughput: %d s per phase, %d keep-alive connections, %d cores, Java %s%n",
                    seconds, threads, Runtime.getRuntime().availableProcessors(), Runtime.version());
            run("warm-up GET", sim.port(), 3, threads, get);
            sim.requests().clear();
            run("GET one record", sim.port(), seconds, threads, get);
            run("POST incident", sim.port(), seconds, threads, post);
        }
    }

    /** Sends the same request over and over on each keep-alive connection; the load generator stays light. */
    private static void run(String name, int port, int seconds, int threads, String request) throws Exception {
        byte[] bytes = request.getBytes(StandardCharsets.UTF_8);
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setTcpNoDelay(true);
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    while (System.nanoTime() < end) {
                        out.write(bytes);
                        out.flush();
                        int status = readResponse(in);
                        (status >= 200 && status < 300 ? ok : failed).increment();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        pool.shutdown();
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "%-16s %,10.0f requests/s  (%,d ok, %,d failed in %.1f s)%n",
                name, ok.sum() / elapsed, ok.sum(), failed.sum(), elapsed);
    }

    /** Reads one response (status line, headers, Content-Length body) and returns its status. */
    private static int readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        int length = 0;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return status;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("Connection closed");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }
}
