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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * Drives a running Jenkins with the plugin installed and an instance named {@code sandbox} pointing at a
 * running sandbox: starts N builds that wait for approval at once, then prints executors held, threads the
 * plugin added, approval polls per interval (from the sandbox's request log), and the median time from
 * approval to the build resuming; then the median time a {@code serviceNowIncident} step adds over the
 * client call it makes. A program, not a test: its figures go into the README.
 *
 * <pre>mvn -B -DskipPlugin -q -pl client -am test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.jenkins.plugins.servicenowflashduty.client.bench.JenkinsApprovalBenchmark \
 *     -Dexec.args="http://127.0.0.1:8080 admin:API_TOKEN http://127.0.0.1:8089 200 5"</pre>
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
            System.err.println("usage: JenkinsApprovalBenchmark JENKINS_URL USER:API_TOKEN SANDBOX_URL [builds=200] [interval seconds=5]");
            System.exit(2);
        }
        int n = args.length > 3 ? Integer.parseInt(args[3]) : 200;
        int interval = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        JenkinsApprovalBenchmark b = new JenkinsApprovalBenchmark(args[0], args[1], args[2]);
        b.approvals(n, interval);
        b.incidentOverhead(30);
    }

    private void approvals(int n, int interval) throws Exception {
        sim("PUT", "_sim/approval-policy", "never");
        String job = "approval-bench-" + System.currentTimeMillis();
        createJob(job, "serviceNowCreateChange(shortDescription: \"bench ${params.I}\", waitForApproval: true, pollIntervalSeconds: "
                + interval + ", approvalTimeoutMinutes: 120) { echo 'resumed' }", true);
        int threadsBefore = intOf(script("println(Thread.getAllStackTraces().size())"));
        for (int i = 0; i < n; i++) {
            jenkins("POST", "job/" + job + "/buildWithParameters?I=" + i, null);
        }
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
        while (intOf(script("println(Jenkins.get().getItemByFullName('" + job + "').builds.count { b -> try { b.building && b.log.contains('waiting for approval') } catch (e) { false } })")) < n) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the builds did not all reach the approval wait in 10 minutes");
            }
            Thread.sleep(1000);
        }
        Thread.sleep(interval * 2000L);
        int busy = intOf(script("println(Jenkins.get().computers.sum { it.countBusy() })"));
        int pluginThreads = intOf(script("println(Thread.getAllStackTraces().keySet().count { it.name.startsWith('ServiceNow') })"));
        int threadsWaiting = intOf(script("println(Thread.getAllStackTraces().size())"));
        sim("DELETE", "_sim/requests", null);
        int rounds = 5;
        Thread.sleep(rounds * interval * 1000L);
        JsonNode log = Json.MAPPER.readTree(sim("GET", "_sim/requests", null));
        long polls = 0;
        for (JsonNode r : log) {
            if (r.path("query").asText().contains("sys_idIN")) {
                polls++;
            }
        }
        long approvedAt = System.currentTimeMillis();
        sim("PUT", "_sim/approval-policy", "approve-after-polls:1");
        while (intOf(script("println(Jenkins.get().getItemByFullName('" + job + "').builds.count { it.building })")) > 0) {
            Thread.sleep(500);
        }
        String ends = script("println(Jenkins.get().getItemByFullName('" + job + "').builds.collect { it.startTimeInMillis + it.duration }.join(','))").strip();
        List<Long> resumed = new ArrayList<>();
        for (String e : ends.split(",")) {
            resumed.add(Long.parseLong(e.strip()) - approvedAt);
        }
        Collections.sort(resumed);
        System.out.printf("Approval waits: %d builds, poll interval %d s%n", n, interval);
        System.out.printf("  executors held while waiting     %d%n", busy);
        System.out.printf("  threads named ServiceNow*        %d (all threads: %d before, %d while waiting)%n", pluginThreads, threadsBefore,
                threadsWaiting);
        System.out.printf("  approval polls per interval      %.1f (%d over %d intervals; goal <= %d)%n", polls / (double) rounds, polls, rounds,
                (n + 99) / 100);
        System.out.printf("  approval to build end, median    %d ms (p90 %d ms; includes up to one poll interval)%n",
                resumed.get(resumed.size() / 2), resumed.get(resumed.size() * 9 / 10));
    }

    private void incidentOverhead(int count) throws Exception {
        String job = "incident-bench-" + System.currentTimeMillis();
        long[] echo = stepTimes(job + "-echo", "echo", "for (int i = 0; i < " + count + "; i++) { echo \"line ${i}\" }");
        long[] step = stepTimes(job, "serviceNowIncident", "for (int i = 0; i < " + count + "; i++) { serviceNowIncident(correlationId: "
                + "\"bench-step-" + job + "-${i}\", shortDescription: 'bench', description: 'bench') }");

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
        long added = step[step.length / 2] - direct[count / 2] - pipeline;
        System.out.printf("serviceNowIncident: %d raises each way%n", count);
        System.out.printf("  step (flow node start to next node), median  %d ms%n", step[step.length / 2]);
        System.out.printf("  an echo step, same measure, median           %d ms (what Pipeline spends on any step)%n", pipeline);
        System.out.printf("  the client call alone, median                 %d ms%n", direct[count / 2]);
        System.out.printf("  added by the plugin's step code, median       %d ms (goal <= 5 ms)%n", added);
    }

    /** Runs a job of {@code count} calls of one step and returns each call's time, flow node start to the next node's start. */
    private long[] stepTimes(String job, String function, String script) throws Exception {
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
                        + " { out << (TimingAction.getStartTime(nodes[i + 1]) - TimingAction.getStartTime(n)) } }",
                "println(out.join(','))")).strip();
        return Arrays.stream(times.split(",")).mapToLong(s -> Long.parseLong(s.strip())).sorted().toArray();
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

    private String sim(String method, String path, String body) throws Exception {
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
}
