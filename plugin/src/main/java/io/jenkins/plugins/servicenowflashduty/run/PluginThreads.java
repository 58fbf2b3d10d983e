package io.jenkins.plugins.servicenowflashduty.run;

import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.init.Terminator;
import io.jenkins.plugins.servicenowflashduty.client.http.Timers;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's own threads: the approval watchers' scheduler (one thread for every instance: polls are sent
 * without holding a thread, and their answers handled there) and a small pool for the Jenkins side of
 * asynchronous steps (recording, the console, starting a block) and the writes that must block. Made on first
 * use; the pool idles out; both stop with the controller.
 */
public final class PluginThreads {
    private static volatile ScheduledExecutorService scheduler;
    private static volatile ExecutorService background;

    private PluginThreads() {
    }

    /** Where the approval watchers poll. */
    public static ScheduledExecutorService scheduler() {
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            synchronized (PluginThreads.class) {
                s = scheduler;
                if (s == null) {
                    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
                            new NamingThreadFactory(new DaemonThreadFactory(), "ServiceNow approval watcher"));
                    e.setRemoveOnCancelPolicy(true);
                    scheduler = s = e;
                }
            }
        }
        return s;
    }

    /** Where asynchronous steps make their network calls; two threads, since the calls are short and waits hold none. */
    public static ExecutorService background() {
        ExecutorService b = background;
        if (b == null) {
            synchronized (PluginThreads.class) {
                b = background;
                if (b == null) {
                    ThreadPoolExecutor e = new ThreadPoolExecutor(2, 2, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                            new NamingThreadFactory(new DaemonThreadFactory(), "ServiceNow step"));
                    e.allowCoreThreadTimeOut(true);
                    background = b = e;
                }
            }
        }
        return b;
    }

    /**
     * The client's asynchronous calls wait (timeouts, backoffs, a 429's pause) on the same scheduler thread instead
     * of a thread of the JDK's.
     */
    @Initializer(after = InitMilestone.PLUGINS_STARTED)
    public static void serveClientTimers() {
        Timers.use(PluginThreads::scheduler);
    }

    /** Stops them all with the controller; what waits is saved with its build and resumed after the restart. */
    @Terminator
    public static synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        if (background != null) {
            background.shutdownNow();
            background = null;
        }
    }
}
