package io.jenkins.plugins.servicenowflashduty.run;

import hudson.init.Terminator;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's own threads: the approval watchers' scheduler and a small pool where asynchronous steps make
 * their network calls, off the Pipeline thread. Both are made on first use, idle out, and stop with the
 * controller.
 */
public final class PluginThreads {
    private static volatile ScheduledExecutorService scheduler;
    private static volatile ExecutorService background;
    private static volatile ExecutorService polls;

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
     * Where approval polls run, one thread per instance being polled at the moment (idle threads end): a stalled
     * instance holds its own thread, never the scheduler or another instance's polls.
     */
    public static ExecutorService polls() {
        ExecutorService p = polls;
        if (p == null) {
            synchronized (PluginThreads.class) {
                p = polls;
                if (p == null) {
                    polls = p = new ThreadPoolExecutor(0, 32, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                            new NamingThreadFactory(new DaemonThreadFactory(), "ServiceNow approval poll"));
                }
            }
        }
        return p;
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
        if (polls != null) {
            polls.shutdownNow();
            polls = null;
        }
    }
}
