package io.jenkins.plugins.servicenowflashduty.client.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where the client's asynchronous calls wait: a whole-exchange timeout, the backoff before a retry, a 429's pause.
 * The JDK's own delay thread unless the host gives a scheduler of its own, so that one thread of the host's serves
 * these too. What runs there is short: it starts or ends an exchange and never waits.
 */
public final class Timers {
    private static volatile Supplier<ScheduledExecutorService> scheduler;

    private Timers() {
    }

    /** The host's scheduler, asked for at each wait (a host may make a new one after stopping the old). */
    public static void use(Supplier<ScheduledExecutorService> hostScheduler) {
        scheduler = hostScheduler;
    }

    /** Runs the task after the delay, on the host's scheduler (or the JDK's delay thread). */
    public static void after(long delayMillis, Runnable task) {
        Supplier<ScheduledExecutorService> s = scheduler;
        if (s != null) {
            try {
                s.get().schedule(task, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException e) {
                // the host's scheduler is stopping: the JDK's delay thread keeps the call's promises
            }
        }
        CompletableFuture.delayedExecutor(Math.max(0, delayMillis), TimeUnit.MILLISECONDS).execute(task);
    }
}
