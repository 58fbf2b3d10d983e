package io.jenkins.plugins.servicenowflashduty.delivery;

import hudson.Extension;
import hudson.Util;
import hudson.model.AdministrativeMonitor;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.delivery.OutboxHealth;
import java.time.Duration;
import java.time.Instant;

/**
 * Warns administrators when deliveries keep failing, wait for them (held after a failure waiting cannot
 * cure), were refused by a full queue, or could not be read: how many, since when, and the last error.
 */
@Extension
public final class DeliveryMonitor extends AdministrativeMonitor {
    /** One failure is weather; three in a row (with backoff, a few minutes) is worth a look. */
    static final int FAILURES_BEFORE_WARNING = 3;

    @Override
    public String getDisplayName() {
        return Messages.DeliveryMonitor_displayName();
    }

    @Override
    public boolean isActivated() {
        return Deliveries.get().health().needsAttention(FAILURES_BEFORE_WARNING);
    }

    /** For message.jelly. */
    public OutboxHealth getHealth() {
        return Deliveries.get().health();
    }

    public String getFailingFor() {
        return failingFor(getHealth());
    }

    static String failingFor(OutboxHealth health) {
        return health.failingSince() == null ? ""
                : Util.getTimeSpanString(Math.max(0, Duration.between(health.failingSince(), Instant.now()).toMillis()));
    }

    public String getPageUrl() {
        return PendingDeliveries.URL;
    }
}
