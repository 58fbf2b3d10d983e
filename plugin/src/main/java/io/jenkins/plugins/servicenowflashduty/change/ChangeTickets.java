package io.jenkins.plugins.servicenowflashduty.change;

import hudson.model.Run;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketEntry;
import io.jenkins.plugins.servicenowflashduty.buildpage.TicketsAction;
import io.jenkins.plugins.servicenowflashduty.client.change.ChangeRef;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/** What the change steps tell the build page; the page is a report, so a failure to reach it never fails a step. */
final class ChangeTickets {
    private static final Logger LOG = Logger.getLogger(ChangeTickets.class.getName());

    private ChangeTickets() {
    }

    static void record(StepContext context, ChangeRef change, String what) {
        Run<?, ?> run = run(context);
        if (run != null) {
            TicketsAction.record(run, TicketEntry.Kind.CHANGE, change.number(), change.url(), what, change.state().label());
            if (what.equals("closed")) {
                DeployChanges.deployed(run, change.number());
            }
        }
    }

    /** An event on the change's timeline (approval, window, conflicts), with the time it happened. */
    static void timeline(StepContext context, String number, String event) {
        Run<?, ?> run = run(context);
        if (run != null) {
            TicketsAction.approvalEvent(run, number, event);
        }
    }

    private static Run<?, ?> run(StepContext context) {
        try {
            return context.get(Run.class);
        } catch (IOException e) {
            LOG.log(Level.FINE, "no build to report a change on", e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
