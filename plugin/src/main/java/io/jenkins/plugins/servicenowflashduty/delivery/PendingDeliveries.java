package io.jenkins.plugins.servicenowflashduty.delivery;

import hudson.Extension;
import hudson.Util;
import hudson.model.ManagementLink;
import hudson.security.Permission;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.delivery.Delivery;
import io.jenkins.plugins.servicenowflashduty.client.delivery.Outbox;
import io.jenkins.plugins.servicenowflashduty.client.delivery.OutboxHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.HttpRedirect;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * Manage Jenkins » ServiceNow and Flashduty deliveries: every delivery still waiting, with its attempts and last
 * error, and buttons to retry one now or discard it. Administrators only; the buttons are POST.
 */
@Extension
public final class PendingDeliveries extends ManagementLink {
    static final String URL = "servicenow-flashduty-deliveries";

    @Override
    public String getIconFileName() {
        return "symbol-file-tray";
    }

    @Override
    public String getDisplayName() {
        return Messages.PendingDeliveries_displayName();
    }

    @Override
    public String getDescription() {
        return Messages.PendingDeliveries_description();
    }

    @Override
    public String getUrlName() {
        return URL;
    }

    @Override
    public Permission getRequiredPermission() {
        return Jenkins.ADMINISTER;
    }

    @Override
    public Category getCategory() {
        return Category.STATUS;
    }

    public List<Row> getRows() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        Instant now = Instant.now();
        List<Delivery> pending = Deliveries.get().pending();
        Set<Long> firstInLine = Outbox.firstOfEachKey(pending).stream().map(Delivery::sequence).collect(Collectors.toSet());
        return pending.stream().map(d -> new Row(d, now, !firstInLine.contains(d.sequence()))).toList();
    }

    /** One delivery as the page shows it. */
    public static final class Row {
        private final Delivery delivery;
        private final Instant now;
        private final boolean behindAnother;

        Row(Delivery delivery, Instant now, boolean behindAnother) {
            this.delivery = delivery;
            this.now = now;
            this.behindAnother = behindAnother;
        }

        public String getId() {
            return delivery.id();
        }

        public String getSummary() {
            return delivery.summary();
        }

        /** The build it came from, e.g. {@code team/nightly #7}, and whether a rule or a step queued it. */
        public String getOrigin() {
            // the build as Jenkins names it elsewhere on the page: "team/nightly #7" (a job name holds no '#')
            return delivery.origin().replace("rule:", "admin-wide rule, ").replace("step:", "step of ").replace("#", " #");
        }

        public String getQueued() {
            return Util.getTimeSpanString(Duration.between(delivery.queuedAt(), now).toMillis()) + " ago";
        }

        public int getAttempts() {
            return delivery.attempts();
        }

        public String getNextAttempt() {
            if (delivery.held()) {
                return Messages.PendingDeliveries_held();
            }
            if (behindAnother) {
                return Messages.PendingDeliveries_behind();
            }
            Duration until = Duration.between(now, delivery.nextAttemptAt());
            return until.isNegative() || until.isZero() ? Messages.PendingDeliveries_now()
                    : Messages.PendingDeliveries_in(Util.getTimeSpanString(until.toMillis()));
        }

        public String getLastError() {
            return delivery.lastError();
        }
    }

    public OutboxHealth getHealth() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        return Deliveries.get().health();
    }

    /** How long attempts have been failing, e.g. {@code 12 min}; empty while they do not. */
    public String getFailingFor() {
        return DeliveryMonitor.failingFor(getHealth());
    }

    @POST
    public HttpResponse doRetry(@QueryParameter String id) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        Deliveries.get().retry(id);
        return new HttpRedirect(".");
    }

    @POST
    public HttpResponse doRetryAll() {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        Deliveries.get().pending().forEach(d -> Deliveries.get().retry(d.id()));
        return new HttpRedirect(".");
    }

    @POST
    public HttpResponse doDiscard(@QueryParameter String id) {
        Jenkins.get().checkPermission(Jenkins.ADMINISTER);
        Deliveries.get().discard(id);
        return new HttpRedirect(".");
    }
}
