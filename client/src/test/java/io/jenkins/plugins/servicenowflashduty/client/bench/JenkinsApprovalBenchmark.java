package io.jenkins.plugins.servicenowflashduty.client.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.servicenowflashduty.client.http.BasicAuthentication;
import io.jenkins.plugins.servicenowflashduty.client.http.HttpSettings;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.SecretValue;
import io.jenkins.plugins.servicenowflashduty.client.incident.IncidentRequest;
import io.jenkins.plugins.servicenowflashduty.client.incident.Incidents;
import io.jenkins.plugins.servicenowflashduty.client.job.BuildContext;
import io.jenkins.plugins.servicenowflashduty.client.servicenow.ServiceNowClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Drives a running Jenkins with the plugin installed and an instance named {@code sandbox} pointing at a
 * running sandbox: starts N builds that wait for approval at once, then prints executors held, threads the
 * plugin added, approval requests per interval (from the sandbox's request log), heap per waiting build (from a
 * class histogram of live objects), and, once the sandbox approves every change at once, the time from the approval
 * to each body's start and to each build's end; then the median time a {@code serviceNowIncident} step adds over an
 * {@code echo} step and the client call it makes. A program, not a test: its figures go into the README.
 *
 * <pre>mvn -B -DskipPlugin -q -pl client -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.jenkins.plugins.servicenowflashduty.client.bench.JenkinsApprovalBenchmark \
 *     -Dexec.args="http://127.0.0.1:8080 admin:API_TOKEN http://127.0.0.1:8089 1000 5"</pre>
 */
public final class JenkinsApprovalBenchmark {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String jenkins;
    private final String auth;
    private final String sandbox;

    private JenkinsApprovalBenchmark(String jenkins, String userAndToken, String sandbox) {
        this.jenkins = jenkins.endsWith("/") ? jenkins : jenkins + "/";
        this.auth = "Basic " + Base64.getEncoder().encodeToString(userAndToken.getBytes(StandardCharsets.UTF_8));
        this.sandbox = sandbox;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: JenkinsApprovalBenchmark JENKINS_URL USER:API_TOKEN SANDBOX_URL [builds=200] [interval seconds=5]"
                    + " [incident steps=30, 0 to skip] [floor: then Pipeline's own resume of as many builds; floor-only: that alone]");
            System.exit(2);
        }
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int interval = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int steps = args.length > 5 ? Integer.parseInt(args[5]) : 30;
        JenkinsApprovalBenchmark b = new JenkinsApprovalBenchmark(args[0], args[1], args[2]);
        boolean floorOnly = args.length > 6 && args[6].equals("floor-only");
        if (n > 0 && !floorOnly) {
            b.approvals(n, interval);
        }
        if (steps > 0 && !floorOnly) {
            b.incidentOverhead(steps);
        }
        if (args.length > 6 && args[6].startsWith("floor")) {
            b.pipelineFloor(n);
        }
    }

    /**
     * Pipeline's own floor for the same resume, without the plugin: N builds sleep until one instant, then run the same
     * {@code echo} and end. What the approval figures add to this is the plugin's (and the sandbox's) share.
     */
    private void pipelineFloor(int n) throws Exception {
        String job = "floor-bench-" + System.currentTimeMillis();
        // each build gets its own parameter value (the release instant and its index): Jenkins merges queued builds of
        // equal parameters into one
        createJob(job, "sleep(time: Math.max(1L, (params.I.split('-')[0] as long) - new Date().getTime()), unit: 'MILLISECONDS');"
                + " echo 'resumed'", true);
        // time enough for every build to start and go to sleep (about 4 a second on 2 cores), then a margin
        long releaseAt = System.currentTimeMillis() + n * 250L + 60_000L;
        for (int i = 0; i < n; i++) {
            jenkins("POST", "job/" + job + "/buildWithParameters?I=" + releaseAt + "-" + i, null);
        }
        while (intOf(script("println(Jenkins.get().getItemByFullName('" + job + "').builds.count { b -> try { b.building && b.log.contains('Sleeping for') } catch (e) { false } })")) < n) {
            if (System.currentTimeMillis() > releaseAt - 60_000) {
                throw new IllegalStateException("the builds did not all start sleeping in time");
            }
            Thread.sleep(2000);
        }
        Thread.sleep(Math.max(0, releaseAt - System.currentTimeMillis()));
        while (intOf(script("println(Jenkins.get().getItemByFullName('" + job + "').builds.count { it.building })")) > 0) {
            Thread.sleep(500);
        }
        List<Long> ended = new ArrayList<>();
        for (String e : script("println(Jenkins.get().getItemByFullName('" + job + "').builds.collect { it.startTimeInMillis + it.duration }.join(','))").strip().split(",")) {
            ended.add(Long.parseLong(e.strip()) - releaseAt);
        }
        Collections.sort(ended);
        System.out.printf("Pipeline alone: %d builds resuming at one instant (sleep, then the same echo)%n", n);
        System.out.printf("  release to build end, median        %d ms (p90 %d ms)%n", pct(ended, 50), pct(ended, 90));
    }

    private static final String LIVE_HEAP = String.join("\n",
            "import java.lang.management.ManagementFactory",
            "import javax.management.ObjectName",
            "def text = ManagementFactory.platformMBeanServer.invoke(new ObjectName('com.sun.management:type=DiagnosticCommand'),"
                    + " 'gcClassHistogram', [[] as String[]] as Object[], ['[Ljava.lang.String;'] as String[])",
            "def lines = text.readLines()",
            "def total = lines.find { it.startsWith('Total') }.trim().split(/\\s+/)[2] as long",
            "def ours = lines.findAll { it.contains('servicenowflashduty') }.sum(0L) { it.trim().split(/\\s+/)[2] as long }",
            "println(total + ' ' + ours)");

    private void approvals(int n, int interval) throws Exception {
        sim("PUT", "_sim/approval-policy", "never");
        String job = "approval-bench-" + System.currentTimeMillis();
        createJob(job, "serviceNowCreateChange(shortDescription: \"bench ${params.I}\", waitForApproval: true, pollIntervalSeconds: "
                + interval + ", approvalTimeoutMinutes: 120) { echo 'resumed' }", true);
        int threadsBefore = intOf(script("println(Thread.getAllStackTraces().size())"));
        long[] heapBefore = longsOf(script(LIVE_HEAP));
        for (int i = 0; i < n; i++) {
            jenkins("POST", "job/" + job + "/buildWithParameters?I=" + i, null);
        }
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(60).toMillis();
        while (intOf(script("println(Jenkins.get().getItemByFullName('" + job + "').builds.count { b -> try { b.building && b.log.contains('waiting for approval') } catch (e) { false } })")) < n) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the builds did not all reach the approval wait in 60 minutes");
            }
            Thread.sleep(2000);
        }
        System.out.printf("(all %d builds wait for approval; approving them all in %d s)%n", n, interval * 2 + 6 * interval);
        Thread.sleep(interval * 2000L);
        int busy = intOf(script("println(Jenkins.get().computers.sum { it.countBusy() })"));
        String pluginThreadNames = script("println(Thread.getAllStackTraces().keySet().findAll { it.name.startsWith('ServiceNow') }*.name.sort().join(', '))").strip();
        int pluginThreads = pluginThreadNames.isEmpty() ? 0 : pluginThreadNames.split(", ").length;
        int httpThreads = intOf(script("println(Thread.getAllStackTraces().keySet().count { it.name.startsWith('HttpClient') })"));
        int threadsWaiting = intOf(script("println(Thread.getAllStackTraces().size())"));
        long[] heapWaiting = longsOf(script(LIVE_HEAP));
        sim("DELETE", "_sim/requests", null);
        int rounds = 6;
        Thread.sleep(rounds * interval * 1000L);
        JsonNode log = Json.MAPPER.readTree(sim("GET", "_sim/requests", null));
        long polls = 0;
        for (JsonNode r : log) {
            if (r.path("method").asText().equals("GET") && r.path("path").asText().equals("/api/now/table/change_request")) {
                polls++;
            }
        }
        long approvedAt = System.currentTimeMillis();
        sim("POST", "_sim/changes/approve-all", "");
        Timeline timeline = new Timeline(approvedAt);
        while (intOf(script("println(Jenkins.get().getItemByFullName('" + job + "').builds.count { it.building })")) > 0) {
            timeline.read(this);
            Thread.sleep(2000);
        }
        timeline.read(this);
        List<Long> ended = new ArrayList<>();
        for (String e : script("println(Jenkins.get().getItemByFullName('" + job + "').builds.collect { it.startTimeInMillis + it.duration }.join(','))").strip().split(",")) {
            ended.add(Long.parseLong(e.strip()) - approvedAt);
        }
        List<Long> bodies = new ArrayList<>();
        String starts = script(String.join("\n",
                "import org.jenkinsci.plugins.workflow.actions.TimingAction",
                "import org.jenkinsci.plugins.workflow.cps.nodes.StepAtomNode",
                "println(Jenkins.get().getItemByFullName('" + job + "').builds.collect { b ->",
                "  def echo = new org.jenkinsci.plugins.workflow.graph.FlowGraphWalker(b.execution).find {",
                "    it instanceof StepAtomNode && it.descriptor?.functionName == 'echo' }",
                "  echo == null ? -1 : TimingAction.getStartTime(echo) }.join(','))")).strip();
        int failed = 0;
        for (String e : starts.split(",")) {
            long t = Long.parseLong(e.strip());
            if (t < 0) {
                failed++;
            } else {
                bodies.add(t - approvedAt);
            }
        }
        Collections.sort(ended);
        Collections.sort(bodies);
        int sweepRequests = (n + 99) / 100;
        System.out.printf("Approval waits: %d builds, poll interval %d s%n", n, interval);
        System.out.printf("  executors held while waiting         %d%n", busy);
        System.out.printf("  threads named ServiceNow*            %d [%s] (HttpClient*: %d; all threads: %d before, %d while waiting)%n",
                pluginThreads, pluginThreadNames, httpThreads, threadsBefore, threadsWaiting);
        System.out.printf("  approval requests per interval       %.1f (%d over %d intervals)%n", polls / (double) rounds, polls, rounds);
        System.out.printf("  full sweep, every 5 min              %d requests (%.2f per interval on average)%n", sweepRequests,
                sweepRequests / (300.0 / interval));
        System.out.printf("  live heap per waiting build          %.1f KiB (%d MiB before, %d MiB while waiting), of which the plugin's"
                + " classes %.2f KiB%n", (heapWaiting[0] - heapBefore[0]) / 1024.0 / n, heapBefore[0] >> 20, heapWaiting[0] >> 20,
                (heapWaiting[1] - heapBefore[1]) / 1024.0 / n);
        System.out.printf("  approval to body start, median       %d ms (p90 %d ms; includes up to one poll interval)%s%n",
                pct(bodies, 50), pct(bodies, 90), failed == 0 ? "" : "; " + failed + " builds ran no body");
        System.out.printf("  approval to build end, median        %d ms (p90 %d ms)%n", pct(ended, 50), pct(ended, 90));
        timeline.print(bodies, ended);
    }

    /**
     * What the sandbox answered after the approval, read in parts while the builds resume: when the poll saw it, and
     * when each move to Implement and each other request was answered. It splits the figures above into the wait for
     * the poll, which depends on where in its interval the approval fell, and what follows it.
     */
    private static final class Timeline {
        private final long approvedAt;
        private String since;
        private long seenAt = -1;
        private final List<Long> implementing = new ArrayList<>();
        private final List<Long> closing = new ArrayList<>();
        private final Map<String, Integer> counts = new TreeMap<>();
        private long last;

        Timeline(long approvedAt) {
            this.approvedAt = approvedAt;
            this.since = Instant.ofEpochMilli(approvedAt).toString();
        }

        void read(JenkinsApprovalBenchmark b) throws Exception {
            for (JsonNode r : Json.MAPPER.readTree(b.sim("GET", "_sim/requests?since=" + since, null))) {
                since = r.path("time").asText();
                long at = Instant.parse(since).toEpochMilli() - approvedAt;
                String method = r.path("method").asText();
                String path = r.path("path").asText();
                String body = r.path("body").asText();
                last = Math.max(last, at);
                if (method.equals("GET") && path.equals("/api/now/table/change_request") && seenAt < 0) {
                    seenAt = at;
                }
                if (method.equals("PATCH") && path.startsWith("/api/now/table/change_request/")) {
                    if (body.contains("\"state\":\"-1\"")) {
                        implementing.add(at);
                    } else if (body.contains("\"state\":\"3\"")) {
                        closing.add(at);
                    }
                }
                String kind = method + " " + path.replaceAll("/[0-9a-f]{32}", "/{sys_id}");
                counts.merge(kind, 1, Integer::sum);
            }
        }

        void print(List<Long> bodies, List<Long> ended) {
            Collections.sort(implementing);
            Collections.sort(closing);
            System.out.printf("  after the approval, from the sandbox's log (ms after the approval):%n");
            System.out.printf("    the poll that saw it answered      %d%n", seenAt);
            System.out.printf("    moves to Implement answered        first %d, median %d, p90 %d, last %d (%d)%n", first(implementing),
                    pct(implementing, 50), pct(implementing, 90), lastOf(implementing), implementing.size());
            System.out.printf("    bodies started                     first %d, median %d, p90 %d, last %d%n", first(bodies), pct(bodies, 50),
                    pct(bodies, 90), lastOf(bodies));
            System.out.printf("    changes closed                     first %d, median %d, p90 %d, last %d (%d)%n", first(closing),
                    pct(closing, 50), pct(closing, 90), lastOf(closing), closing.size());
            System.out.printf("    builds ended                       first %d, median %d, p90 %d, last %d%n", first(ended), pct(ended, 50),
                    pct(ended, 90), lastOf(ended));
            System.out.printf("    from the poll that saw it: body start p90 %d ms, build end p90 %d ms%n", pct(bodies, 90) - seenAt,
                    pct(ended, 90) - seenAt);
            System.out.printf("    requests answered until %d ms:%n", last);
            counts.forEach((k, v) -> System.out.printf("      %6d  %s%n", v, k));
        }

        private static long first(List<Long> sorted) {
            return sorted.isEmpty() ? -1 : sorted.get(0);
        }

        private static long lastOf(List<Long> sorted) {
            return sorted.isEmpty() ? -1 : sorted.get(sorted.size() - 1);
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
    }

    private void incidentOverhead(int count) throws Exception {
        String job = "incident-bench-" + System.currentTimeMillis();
        long[] echo = durations(stepSpans(job + "-echo", "echo", "for (int i = 0; i < " + count + "; i++) { echo \"line ${i}\" }"));
        // a core step that, like every step that does not finish on the Pipeline thread, makes Pipeline save its state
        long[] pause = durations(stepSpans(job + "-sleep", "sleep", "for (int i = 0; i < " + count + "; i++) { sleep(time: 1, unit: 'MILLISECONDS') }"));
        String before = Instant.now().toString();
        List<long[]> spans = stepSpans(job, "serviceNowIncident", "for (int i = 0; i < " + count + "; i++) { serviceNowIncident(correlationId: "
                + "\"bench-step-" + job + "-${i}\", shortDescription: 'bench', description: 'bench') }");
        long[] step = durations(spans);
        JsonNode log = Json.MAPPER.readTree(sim("GET", "_sim/requests?since=" + before, null));

        ServiceNowClient client = new ServiceNowClient(sandbox, true, new BasicAuthentication("jenkins", SecretValue.of("jenkins")),
                HttpSettings.defaults("ServiceNow"));
        Incidents incidents = new Incidents(client);
        long[] direct = new long[count];
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            incidents.raise(new BuildContext("bench", i, "", "FAILURE", "", ""), new IncidentRequest("bench-client-" + job + "-" + i,
                    "bench", "bench", null, null, null, null, null, null, null, null, null));
            direct[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        Arrays.sort(direct);
        long pipeline = echo[echo.length / 2];
        long asyncPipeline = pause[pause.length / 2] - 1;
        long added = step[step.length / 2] - direct[count / 2] - pipeline;
        long addedOverAsync = step[step.length / 2] - direct[count / 2] - asyncPipeline;
        System.out.printf("serviceNowIncident: %d raises each way%n", count);
        System.out.printf("  step (flow node start to next node), median  %d ms%n", step[step.length / 2]);
        System.out.printf("  an echo step, same measure, median           %d ms (what Pipeline spends on any step)%n", pipeline);
        System.out.printf("  a 1 ms sleep step less its 1 ms, median       %d ms (what Pipeline spends on a step that finishes off its thread)%n",
                asyncPipeline);
        System.out.printf("  the client call alone, median                 %d ms%n", direct[count / 2]);
        System.out.printf("  step - echo - client call, median             %d ms (goal <= 3 ms)%n", added);
        System.out.printf("  step - sleep - client call, median            %d ms (the plugin's own code)%n", addedOverAsync);
        stepPhases(job, spans, log);
    }

    /**
     * Splits each step by what the sandbox answered in it: from the step's flow node to its first request's answer,
     * its requests, and from the last answer to the next flow node.
     */
    private static void stepPhases(String job, List<long[]> spans, JsonNode log) {
        long[][] answered = new long[spans.size()][];
        int[] requests = new int[spans.size()];
        String prefix = "bench-step-" + job + "-";
        for (JsonNode r : log) {
            String text = r.path("query").asText() + " " + r.path("body").asText();
            int at = text.indexOf(prefix);
            if (at < 0) {
                continue;
            }
            int end = at + prefix.length();
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            int i = Integer.parseInt(text.substring(at + prefix.length(), end));
            long t = Instant.parse(r.path("time").asText()).toEpochMilli();
            answered[i] = answered[i] == null ? new long[] {t, t} : new long[] {Math.min(answered[i][0], t), Math.max(answered[i][1], t)};
            requests[i]++;
        }
        List<Long> before = new ArrayList<>();
        List<Long> between = new ArrayList<>();
        List<Long> after = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            if (answered[i] != null) {
                before.add(answered[i][0] - spans.get(i)[0]);
                between.add(answered[i][1] - answered[i][0]);
                after.add(spans.get(i)[1] - answered[i][1]);
            }
        }
        Collections.sort(before);
        Collections.sort(between);
        Collections.sort(after);
        System.out.printf("  inside the step, from the sandbox's log (median, p90; %d requests a step):%n", requests.length == 0 ? 0 : requests[0]);
        System.out.printf("    flow node to its first request answered    %d ms, %d ms%n", pct(before, 50), pct(before, 90));
        System.out.printf("    first to last request answered             %d ms, %d ms%n", pct(between, 50), pct(between, 90));
        System.out.printf("    last request answered to the next node     %d ms, %d ms%n", pct(after, 50), pct(after, 90));
    }

    private static long[] durations(List<long[]> spans) {
        return spans.stream().mapToLong(s -> s[1] - s[0]).sorted().toArray();
    }

    /** Runs a job of {@code count} calls of one step and returns, in order, each call's flow node start and the next node's start. */
    private List<long[]> stepSpans(String job, String function, String script) throws Exception {
        createJob(job, script, false);
        jenkins("POST", "job/" + job + "/build", null);
        Thread.sleep(2000);
        while (!script("println(Jenkins.get().getItemByFullName('" + job + "').lastBuild?.building)").strip().equals("false")) {
            Thread.sleep(500);
        }
        String times = script(String.join("\n",
                "import org.jenkinsci.plugins.workflow.actions.TimingAction",
                "import org.jenkinsci.plugins.workflow.cps.nodes.StepAtomNode",
                "def run = Jenkins.get().getItemByFullName('" + job + "').lastBuild",
                "def nodes = new org.jenkinsci.plugins.workflow.graph.FlowGraphWalker(run.execution).toList().sort { it.id as int }",
                "def out = []",
                "nodes.eachWithIndex { n, i -> if (n instanceof StepAtomNode && n.descriptor?.functionName == '" + function + "' && i + 1 < nodes.size())"
                        + " { out << (TimingAction.getStartTime(n) + ':' + TimingAction.getStartTime(nodes[i + 1])) } }",
                "println(out.join(','))")).strip();
        List<long[]> spans = new ArrayList<>();
        for (String span : times.split(",")) {
            String[] ends = span.strip().split(":");
            spans.add(new long[] {Long.parseLong(ends[0]), Long.parseLong(ends[1])});
        }
        return spans;
    }

    // ---------------------------------------------------------------- HTTP

    private void createJob(String name, String script, boolean parameterized) throws Exception {
        String params = parameterized ? "<properties><hudson.model.ParametersDefinitionProperty><parameterDefinitions>"
                + "<hudson.model.StringParameterDefinition><name>I</name></hudson.model.StringParameterDefinition>"
                + "</parameterDefinitions></hudson.model.ParametersDefinitionProperty></properties>" : "";
        String xml = "<flow-definition plugin=\"workflow-job\">" + params + "<definition class=\"org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition\">"
                + "<script>" + script.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</script><sandbox>true</sandbox>"
                + "</definition></flow-definition>";
        HttpRequest r = HttpRequest.newBuilder(URI.create(jenkins + "createItem?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)))
                .header("Authorization", auth).header("Content-Type", "application/xml")
                .POST(HttpRequest.BodyPublishers.ofString(xml)).build();
        check(http.send(r, HttpResponse.BodyHandlers.ofString()));
    }

    private String script(String groovy) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(jenkins + "scriptText")).header("Authorization", auth)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("script=" + URLEncoder.encode(groovy, StandardCharsets.UTF_8))).build();
        return check(http.send(r, HttpResponse.BodyHandlers.ofString())).body();
    }

    private String jenkins(String method, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(jenkins + path)).header("Authorization", auth)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        return check(http.send(r, HttpResponse.BodyHandlers.ofString())).body();
    }

    String sim(String method, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create(sandbox + "/" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        return check(http.send(r, HttpResponse.BodyHandlers.ofString())).body();
    }

    private static HttpResponse<String> check(HttpResponse<String> r) {
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(r.request().method() + " " + r.uri().getPath() + " answered " + r.statusCode());
        }
        return r;
    }

    private static int intOf(String text) {
        return Integer.parseInt(text.strip());
    }

    private static long[] longsOf(String text) {
        return Arrays.stream(text.strip().split("\\s+")).mapToLong(Long::parseLong).toArray();
    }
}
