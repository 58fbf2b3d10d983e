package io.jenkins.plugins.servicenowflashduty.deployments;

import java.util.List;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * What a deployments page's {@code api/json} answers: its own bean, so that the page (an action of every folder) is
 * not worked out whenever a folder's own {@code api/json} lists its actions.
 */
@ExportedBean
public final class DeploymentsData {
    private final DeploymentsView view;

    DeploymentsData(DeploymentsView view) {
        this.view = view;
    }

    @Exported(visibility = 2)
    public List<DeploymentRow> getDeployments() {
        return view.getRows();
    }

    @Exported(visibility = 2)
    public List<WeekFigures> getWeeks() {
        return view.getWeeks().stream().map(WeekFigures::new).toList();
    }
}
