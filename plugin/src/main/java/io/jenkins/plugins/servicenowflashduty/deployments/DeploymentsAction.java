package io.jenkins.plugins.servicenowflashduty.deployments;

import hudson.model.AbstractItem;
import hudson.model.Action;
import hudson.model.Api;
import hudson.model.Item;
import hudson.model.ItemGroup;
import hudson.model.Items;
import hudson.model.Job;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.deployments.Deployment;
import io.jenkins.plugins.servicenowflashduty.client.deployments.DeploymentCsv;
import io.jenkins.plugins.servicenowflashduty.client.deployments.DeploymentFilter;
import io.jenkins.plugins.servicenowflashduty.client.deployments.DoraFigures;
import io.jenkins.plugins.servicenowflashduty.client.deployments.JobDeployment;
import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.Stapler;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;
import org.springframework.security.access.AccessDeniedException;

/**
 * The deployments page: the changes the plugin's change blocks governed across the jobs of Jenkins (or of a folder)
 * that the user may read, filtered by folder, job, days and result, with the weekly DORA figures drawn above the
 * list. The same data at {@code api/json} and {@code csv}. It reads each deploying job's deployments file, never a
 * build ({@link DeploymentRecords}).
 */
public abstract class DeploymentsAction implements Action {
    public static final String URL_NAME = "servicenow-deployments";
    private static final String VIEW = DeploymentsAction.class.getName() + ".view";

    /** Jenkins, or the folder whose page this is. */
    protected abstract ItemGroup<?> scope();

    /** Whether the page offers a folder filter (Jenkins's page does; a folder's is its own). */
    public abstract boolean isFolderFilter();

    @Override
    public String getIconFileName() {
        return "symbol-analytics";
    }

    @Override
    public String getDisplayName() {
        return Messages.DeploymentsAction_displayName();
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }

    /** The object the page hangs under, for its side panel. */
    public Object getOwner() {
        return scope();
    }

    /** What this request asks for, worked out once per request. */
    public DeploymentsView getView() {
        StaplerRequest2 req = Stapler.getCurrentRequest2();
        String key = VIEW + '/' + scopeName(); // one request may show the pages of several folders
        Object known = req == null ? null : req.getAttribute(key);
        if (known instanceof DeploymentsView v) {
            return v;
        }
        DeploymentsView v = req == null ? view(null, null, null, null, null)
                : view(req.getParameter("folder"), req.getParameter("job"), req.getParameter("from"), req.getParameter("to"), req.getParameter("result"));
        if (req != null) {
            req.setAttribute(key, v);
        }
        return v;
    }

    DeploymentsView view(String folder, String job, String from, String to, String result) {
        String f = blankToEmpty(folder);
        String j = blankToEmpty(job);
        ItemGroup<?> within = scope();
        DeploymentFilter filter;
        try {
            filter = DeploymentFilter.parse(from, to, result);
        } catch (ApiException e) {
            return refused(e.getMessage(), f, j);
        }
        if (isFolderFilter() && !f.isEmpty()) {
            Item named;
            try {
                named = Jenkins.get().getItemByFullName(f); // null for a folder the user may not see
            } catch (AccessDeniedException e) {
                named = null; // one the user may discover but not read
            }
            if (!(named instanceof ItemGroup<?> group)) {
                return refused(Messages.DeploymentsAction_noFolder(f), f, j);
            }
            within = group;
        }
        List<Job<?, ?>> jobs = new ArrayList<>();
        TreeSet<String> deploying = new TreeSet<>();
        for (Job<?, ?> each : Items.allItems(within, Job.class)) { // only what the user may read
            if (DeploymentRecords.any(each)) {
                deploying.add(each.getFullName());
                if (j.isEmpty() || each.getFullName().equals(j)) {
                    jobs.add(each);
                }
            }
        }
        if (!j.isEmpty() && jobs.isEmpty()) {
            return refused(Messages.DeploymentsAction_noJob(j), f, j);
        }
        List<DeploymentRow> rows = new ArrayList<>();
        List<Deployment> selected = new ArrayList<>();
        for (Job<?, ?> each : jobs) {
            String name = each.getFullName();
            String url = each.getUrl();
            for (Deployment d : DeploymentRecords.of(each)) {
                if (filter.matches(d)) {
                    rows.add(new DeploymentRow(name, url, d));
                    selected.add(d);
                }
            }
        }
        rows.sort(Comparator.comparing((DeploymentRow r) -> r.deployment().at(), Comparator.nullsFirst(Comparator.naturalOrder())).reversed());
        List<DoraFigures.Week> weeks = DoraFigures.weekly(selected, filter.from(), filter.to());
        return new DeploymentsView(null, f, j, filter, query(Map.of("folder", f, "job", j, "from", blankToEmpty(from), "to", blankToEmpty(to),
                "result", filter.result())), rows, weeks, DoraFigures.totals(selected, weeks), List.copyOf(deploying));
    }

    private static DeploymentsView refused(String sentence, String folder, String job) {
        return new DeploymentsView(sentence, folder, job, DeploymentFilter.ALL, "", List.of(), List.of(), DoraFigures.totals(List.of(), List.of()),
                List.of());
    }

    private static String query(Map<String, String> params) {
        StringBuilder q = new StringBuilder();
        params.entrySet().stream().filter(e -> !e.getValue().isEmpty()).sorted(Map.Entry.comparingByKey()).forEach(e ->
                q.append(q.length() == 0 ? "?" : "&").append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)));
        return q.toString();
    }

    private static String blankToEmpty(String s) {
        return s == null ? "" : s.strip();
    }

    // ---------------------------------------------------------------- the same data for programs

    /** {@code api/json} (and xml, python) with the filters as query parameters. */
    public Api getApi() {
        DeploymentsView v = getView();
        return new DeploymentsApi(new DeploymentsData(v), v.getError());
    }

    /** {@code csv}: every deployment the filter selects, newest first. */
    public void doCsv(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        DeploymentsView v = getView();
        if (v.getError() != null) {
            throw HttpResponses.errorWithoutStack(400, v.getError());
        }
        rsp.setContentType("text/csv;charset=UTF-8");
        rsp.setHeader("Content-Disposition", "attachment; filename=\"deployments.csv\"");
        String root = Jenkins.get().getRootUrl();
        List<JobDeployment> rows = v.getRows().stream()
                .map(r -> new JobDeployment(r.getJob(), (root == null ? "" : root) + r.getBuildUrl(), r.deployment())).toList();
        try (PrintWriter out = rsp.getWriter()) {
            DeploymentCsv.write(out, rows);
        }
    }

    /** The page's title: with the folder's name on a folder's page. */
    public String getTitle() {
        String scope = getScopeName();
        return scope.isEmpty() ? getDisplayName() : getDisplayName() + " – " + scope;
    }

    /** The folder's name for the page's title; empty for all Jenkins. */
    public String getScopeName() {
        ItemGroup<?> s = scope();
        return s instanceof AbstractItem item ? item.getFullDisplayName() : "";
    }

    private String scopeName() {
        ItemGroup<?> s = scope();
        return s instanceof AbstractItem item ? item.getFullName() : "";
    }
}
