package io.jenkins.plugins.servicenowflashduty.delivery;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.servicenowflashduty.Messages;
import io.jenkins.plugins.servicenowflashduty.client.delivery.Delivery;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueueFullException;
import io.jenkins.plugins.servicenowflashduty.client.delivery.QueuedWrites;
import io.jenkins.plugins.servicenowflashduty.run.StepLog;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * What a step with {@code durable: true} does instead of sending: queue the write for its build, say so in the
 * log, and return {@code [queued: true, deliveryId: ...]}. The step has already checked what it can here (the
 * instance, the credentials this build may use), so what is left to fail is the service.
 */
public final class StepQueue {
    private StepQueue() {
    }

    public static Map<String, Object> queue(StepContext context, String service, QueuedWrites.Write write) throws Exception {
        Run<?, ?> run = context.get(Run.class);
        Delivery queued;
        try {
            queued = Deliveries.get().queueForStep(write, run);
        } catch (QueueFullException e) {
            throw new AbortException(Messages.Deliveries_full(e.getMessage()));
        } catch (UncheckedIOException | IllegalStateException e) {
            // a full disk or a read-only directory: one sentence here, the details (the path) on the monitor
            throw new AbortException(Messages.Deliveries_cannotWrite(write.summary()));
        }
        new StepLog(context.get(TaskListener.class)).action(service, Messages.Deliveries_queued(write.summary()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("queued", true);
        result.put("deliveryId", queued.id());
        return result;
    }
}
