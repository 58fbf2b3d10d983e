package io.jenkins.plugins.servicenowflashduty.client.delivery;

import io.jenkins.plugins.servicenowflashduty.client.http.ApiException;
import io.jenkins.plugins.servicenowflashduty.client.http.Json;
import io.jenkins.plugins.servicenowflashduty.client.http.Problem;
import io.jenkins.plugins.servicenowflashduty.client.http.Texts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Writes that must reach ServiceNow or Flashduty even when they are down for hours or the controller
 * restarts: each is on disk before it is attempted, attempted in the background with {@link Backoff} until
 * it goes out, and removed only then. Deliveries with the same key go out in the order they were queued
 * (a later one waits while an earlier one fails); different keys do not hold each other up. The queue is
 * bounded, overall and per group (one job): a full queue refuses with a sentence rather than dropping anything
 * silently. A write the service refuses as invalid is dropped and reported to the {@link Observer}, so it never
 * holds up its key; one Jenkins cannot carry out ({@link Undeliverable}) is held for an administrator.
 *
 * <p>Exactly once: the attempt count is written before each attempt, so after a restart the operation knows
 * an earlier attempt may have succeeded and looks for its effect before acting ({@link Delivery#repeat()}).
 */
public final class Outbox implements AutoCloseable {
    /** Carries out one delivery; returning means it went out. */
    @FunctionalInterface
    public interface Handler {
        void deliver(Delivery delivery) throws Exception;
    }

    /** Where an attempt's result goes besides the queue itself (the plugin records it on the build). */
    public interface Observer {
        default void delivered(Delivery delivery) {
        }

        default void failed(Delivery delivery, String sentence) {
        }

        /** The service refused the delivery as invalid: it was removed, so it does not hold up its key. */
        default void dropped(Delivery delivery, String sentence) {
        }

        /** The worker met something it did not expect; it goes on after a pause. For the controller log. */
        default void unexpected(Throwable t) {
        }
    }

    private static final Duration IDLE_CHECK = Duration.ofMinutes(1);
    /** A note may have 100,000 characters; nothing a queued write carries needs more than this. */
    static final int MAX_PAYLOAD_BYTES = 512 * 1024;

    private final DeliveryFiles files;
    private final int capacity;
    /** How many deliveries one group (the plugin's: one job) may have waiting, and how a delivery's origin names its group. */
    private volatile int groupCapacity;
    private volatile Function<String, String> groupOf = origin -> origin;
    private final Backoff backoff;
    private final Clock clock;
    private final Handler handler;
    private final Observer observer;
    private final Object lock = new Object();
    private final TreeMap<Long, Delivery> pending = new TreeMap<>();
    private long nextSequence;
    private int unreadable;
    private long refused;
    /** The last time the queue's directory could not be written, as a sentence; empty once it can again. */
    private String directoryError = "";
    /** Consecutive passes that failed (on the directory, or unexpectedly): the worker waits longer after each, never spins. */
    private int failedPasses;
    /** Set when the worker met an error it did not expect (it goes on after a pause), empty once a pass succeeds. */
    private volatile String workerProblem = "";
    private static final Duration DIRECTORY_RETRY_MIN = Duration.ofSeconds(1);
    private static final Duration DIRECTORY_RETRY_MAX = Duration.ofMinutes(1);
    private volatile boolean closed;
    /** What schedules the next pass, and the thread (idle ones end) that runs passes. */
    private ScheduledExecutorService timer;
    /** The scheduler {@link #start()} made for a queue used on its own, stopped with it; null when the host gives one. */
    private ScheduledExecutorService ownTimer;
    private ThreadPoolExecutor passes;
    private boolean passQueued;
    private ScheduledFuture<?> nextPass;
    /** Sends the first deliveries of different keys side by side, so one slow service does not hold up the other; null for one at a time. */
    private final ExecutorService senders;

    private Outbox(DeliveryFiles files, int capacity, Backoff backoff, Clock clock, Handler handler, Observer observer, int parallelism) {
        this.files = files;
        this.capacity = capacity;
        this.groupCapacity = capacity;
        this.backoff = backoff;
        this.clock = clock;
        this.handler = handler;
        this.observer = observer;
        this.senders = parallelism <= 1 ? null : idleEnding(parallelism, "ServiceNow and Flashduty delivery");
    }

    /**
     * Opens the queue kept in {@code directory}, with what an earlier run left there; nothing is sent until
     * {@link #start()}.
     */
    public static Outbox open(Path directory, int capacity, Backoff backoff, Clock clock, Handler handler, Observer observer)
            throws IOException {
        return open(directory, capacity, backoff, clock, handler, observer, 1);
    }

    /** {@link #open(Path, int, Backoff, Clock, Handler, Observer)}, sending up to {@code parallelism} keys at once. */
    public static Outbox open(Path directory, int capacity, Backoff backoff, Clock clock, Handler handler, Observer observer,
                              int parallelism) throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        Outbox outbox = new Outbox(new DeliveryFiles(directory), capacity, backoff, clock, handler, observer, parallelism);
        DeliveryFiles.Loaded loaded = outbox.files.load();
        for (Delivery d : loaded.deliveries()) {
            outbox.pending.put(d.sequence(), d);
        }
        outbox.unreadable = loaded.unreadable();
        outbox.nextSequence = outbox.pending.isEmpty() ? 1 : outbox.pending.lastKey() + 1;
        return outbox;
    }

    /**
     * Bounds the share of the queue one group may hold (the plugin groups by job), so that one pipeline in a loop
     * cannot fill the queue for everyone else.
     *
     * @param groupOf names a delivery's group from its origin
     */
    public Outbox limitPerGroup(int capacity, Function<String, String> groupOf) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.groupCapacity = capacity;
        this.groupOf = groupOf;
        return this;
    }

    /**
     * Queues a write; it is on disk when this returns.
     *
     * @throws QueueFullException when the queue already holds its limit
     * @throws UncheckedIOException when the directory cannot be written
     */
    public Delivery add(QueuedWrites.Write write, String origin) {
        synchronized (lock) {
            if (pending.size() >= capacity) {
                refused++;
                throw new QueueFullException("The delivery queue already holds " + pending.size() + " deliveries, its limit; "
                        + write.summary() + " was not queued.");
            }
            String group = groupOf.apply(origin);
            long ofGroup = pending.values().stream().filter(d -> group.equals(groupOf.apply(d.origin()))).count();
            if (ofGroup >= groupCapacity) {
                refused++;
                throw new QueueFullException("The delivery queue already holds " + ofGroup + " deliveries from " + group
                        + ", its share; " + write.summary() + " was not queued.");
            }
            if (Json.bytes(write.payload()).length > MAX_PAYLOAD_BYTES) {
                throw new QueueFullException("The delivery is larger than " + MAX_PAYLOAD_BYTES / 1024 + " KiB, more than a queued write"
                        + " may hold; " + write.summary() + " was not queued.");
            }
            Instant now = clock.instant();
            Delivery d = new Delivery(Texts.randomHex(16), nextSequence, write.key(), write.kind(), write.summary(), origin,
                    write.payload(), now, 0, null, now, "", false);
            try {
                store(d);
            } catch (UncheckedIOException e) {
                directoryError = e.getMessage(); // the monitor says what is wrong; the caller gets the sentence
                throw e;
            }
            nextSequence++;
            pending.put(d.sequence(), d);
            wakeWorker();
            return d;
        }
    }

    /** Every delivery waiting, oldest first. */
    public List<Delivery> pending() {
        synchronized (lock) {
            return new ArrayList<>(pending.values());
        }
    }

    /** Whether a waiting delivery matches, without copying the queue (asked after every completed build). */
    public boolean anyPending(Predicate<Delivery> test) {
        synchronized (lock) {
            return pending.values().stream().anyMatch(test);
        }
    }

    /**
     * The deliveries first in line for their key, of these given oldest first: the only ones that may be
     * attempted; each of the others waits behind an earlier one with its key.
     */
    public static List<Delivery> firstOfEachKey(Collection<Delivery> oldestFirst) {
        Set<String> keys = new HashSet<>();
        List<Delivery> first = new ArrayList<>();
        for (Delivery d : oldestFirst) {
            if (keys.add(d.key())) {
                first.add(d);
            }
        }
        return first;
    }

    public Optional<Delivery> find(String id) {
        synchronized (lock) {
            return pending.values().stream().filter(d -> d.id().equals(id)).findFirst();
        }
    }

    /** Makes a delivery due now, held or not; false when there is no such delivery. */
    public boolean retry(String id) {
        synchronized (lock) {
            Optional<Delivery> d = find(id);
            d.ifPresent(found -> {
                Delivery due = found.dueAt(clock.instant());
                store(due);
                pending.put(due.sequence(), due);
                wakeWorker();
            });
            return d.isPresent();
        }
    }

    /** Drops a delivery for good; false when there is no such delivery. */
    public boolean discard(String id) {
        synchronized (lock) {
            Optional<Delivery> d = find(id);
            d.ifPresent(found -> {
                pending.remove(found.sequence());
                delete(found);
                wakeWorker(); // the next delivery of its key may go now
            });
            return d.isPresent();
        }
    }

    public OutboxHealth health() {
        synchronized (lock) {
            int held = 0;
            int failing = 0;
            Delivery worst = null;
            Instant since = null;
            for (Delivery d : pending.values()) {
                held += d.held() ? 1 : 0;
                if (!d.lastError().isEmpty()) {
                    failing++;
                    worst = worst == null || d.attempts() > worst.attempts() ? d : worst;
                    since = since == null || d.firstAttemptAt() != null && d.firstAttemptAt().isBefore(since) ? d.firstAttemptAt() : since;
                }
            }
            String last = worst == null ? "" : worst.lastError();
            return new OutboxHealth(pending.size(), held, failing, worst == null ? 0 : worst.attempts(), since, last, refused, unreadable,
                    directoryError.isEmpty() ? workerProblem : directoryError);
        }
    }

    /**
     * Attempts every delivery that is due and first in line for its key, then the ones that became first in
     * line, until none is left to attempt now.
     *
     * @return how many left the queue: went out, or were dropped as invalid
     */
    public int deliverDue() {
        int total = 0;
        int delivered;
        do {
            List<Delivery> due = firstInLineAndDue();
            delivered = senders == null || due.size() < 2 ? oneAtATime(due) : sideBySide(due);
            total += delivered;
        } while (delivered > 0 && !closed && !Thread.currentThread().isInterrupted());
        return total;
    }

    private int oneAtATime(List<Delivery> due) {
        int delivered = 0;
        for (Delivery d : due) {
            if (Thread.currentThread().isInterrupted() || closed) {
                break;
            }
            if (attempt(d)) {
                delivered++;
            }
        }
        return delivered;
    }

    private int sideBySide(List<Delivery> due) {
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (Delivery d : due) {
            attempts.add(senders.submit(() -> attempt(d)));
        }
        int delivered = 0;
        for (Future<Boolean> a : attempts) {
            try {
                if (a.get()) {
                    delivered++;
                }
            } catch (InterruptedException e) {
                attempts.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                directoryFailed(String.valueOf(e.getCause().getMessage())); // the directory could not be written
            }
        }
        return delivered;
    }

    /** Up to {@code size} threads of this name, made when work comes and ended after 30 idle seconds. */
    private static ThreadPoolExecutor idleEnding(int size, String name) {
        ThreadPoolExecutor e = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        e.allowCoreThreadTimeOut(true);
        return e;
    }

    /**
     * Starts delivering without a thread of its own while nothing is due: {@code timer} (a shared scheduler) wakes
     * the queue when the next delivery is due, and a pass runs on a thread that ends once idle. What waits costs no
     * thread at all.
     */
    public void start(ScheduledExecutorService timer) {
        synchronized (lock) {
            if (this.timer != null || closed) {
                return;
            }
            this.timer = timer;
            this.passes = idleEnding(1, "ServiceNow and Flashduty deliveries");
            requestPass();
        }
    }

    /** Queues a pass unless one is queued; called with the lock held. */
    private void requestPass() {
        if (closed || passQueued) {
            return;
        }
        passQueued = true;
        if (nextPass != null) {
            nextPass.cancel(false);
            nextPass = null;
        }
        try {
            passes.execute(this::pass);
        } catch (RejectedExecutionException e) {
            passQueued = false; // closing
        }
    }

    /** One pass of the queue, then the timer for the next one. */
    private void pass() {
        synchronized (lock) {
            passQueued = false;
        }
        deliverOnce();
        synchronized (lock) {
            if (closed || passQueued) {
                return;
            }
            try {
                nextPass = timer.schedule(() -> {
                    synchronized (lock) {
                        requestPass();
                    }
                }, Math.max(1, nextWait().toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // the scheduler stopped with the controller: nothing more is delivered in this run
            }
        }
    }

    /** {@link #start(ScheduledExecutorService)} with a scheduler of the queue's own, for a queue used on its own. */
    public void start() {
        ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ServiceNow and Flashduty deliveries timer");
            t.setDaemon(true);
            return t;
        });
        synchronized (lock) {
            if (timer != null || closed) {
                own.shutdownNow();
                return;
            }
            ownTimer = own;
        }
        start(own);
    }

    /** Stops delivering (an attempt under way is interrupted; it stays queued and counts as possibly done). */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        if (senders != null) {
            senders.shutdownNow();
        }
        synchronized (lock) {
            if (nextPass != null) {
                nextPass.cancel(false);
            }
        }
        if (ownTimer != null) {
            ownTimer.shutdownNow();
        }
        if (passes != null) {
            passes.shutdownNow();
            try {
                passes.awaitTermination(10, TimeUnit.SECONDS); // the attempt under way ends, interrupted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Delivers what is due; whatever goes wrong is reported, and the next pass comes after a pause. */
    private void deliverOnce() {
        try {
            deliverDue();
        } catch (UncheckedIOException e) {
            directoryFailed(sentence(e)); // the directory could not be written: try again after a pause
        } catch (RuntimeException | Error e) {
            // an Error here (a class that failed to load, a stack overflow in a handler) must not end the worker
            workerProblem = "The delivery worker met an unexpected " + e.getClass().getSimpleName()
                    + "; it goes on, and the controller log has the details.";
            synchronized (lock) {
                failedPasses++;
            }
            observer.unexpected(e);
        }
    }

    /** Until the next due delivery; after failures to write the directory, a growing pause instead of a busy loop. */
    private Duration nextWait() {
        if (failedPasses == 0) {
            return untilNextDue();
        }
        long factor = 1L << Math.min(failedPasses - 1, 6);
        Duration pause = DIRECTORY_RETRY_MIN.multipliedBy(factor);
        return pause.compareTo(DIRECTORY_RETRY_MAX) > 0 ? DIRECTORY_RETRY_MAX : pause;
    }

    private List<Delivery> firstInLineAndDue() {
        synchronized (lock) {
            Instant now = clock.instant();
            return firstOfEachKey(pending.values()).stream().filter(d -> !d.held() && !d.nextAttemptAt().isAfter(now)).toList();
        }
    }

    private Duration untilNextDue() {
        Instant now = clock.instant();
        Duration wait = IDLE_CHECK;
        for (Delivery d : firstOfEachKey(pending.values())) {
            Duration until = Duration.between(now, d.nextAttemptAt());
            if (!d.held() && until.compareTo(wait) < 0) {
                wait = until;
            }
        }
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    private boolean attempt(Delivery due) {
        Delivery started;
        synchronized (lock) {
            if (pending.get(due.sequence()) != due) {
                return false; // discarded or retried meanwhile
            }
            started = due.starting(clock.instant());
            store(started); // before the attempt: after a crash, the next attempt knows this one may have gone out
            pending.put(started.sequence(), started);
        }
        try {
            handler.deliver(started);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return failed(started, e); // a dropped delivery lets the one behind it go in this same pass
        }
        synchronized (lock) {
            pending.remove(started.sequence());
            delete(started);
            directoryError = "";
            failedPasses = 0;
            workerProblem = ""; // deliveries go out again
        }
        observer.delivered(started);
        return true;
    }

    /** Records a failed attempt; true when the delivery left the queue (dropped as invalid). */
    private boolean failed(Delivery d, Exception e) {
        String sentence = sentence(e);
        if (refusedAsInvalid(e)) {
            synchronized (lock) {
                if (pending.remove(d.sequence()) != null) {
                    delete(d);
                }
            }
            observer.dropped(d, sentence);
            return true;
        }
        boolean hold = waitingWillNotHelp(e);
        Delivery after;
        synchronized (lock) {
            Delivery current = pending.get(d.sequence());
            if (current == null) {
                return false; // discarded while it was tried
            }
            // Retry pressed while this attempt was under way: the administrator's "now" wins over the backoff
            boolean retried = current != d;
            after = d.failed(sentence, hold && !retried, retried ? clock.instant() : clock.instant().plus(backoff.after(d.attempts())));
            store(after);
            pending.put(after.sequence(), after);
            if (retried) {
                wakeWorker();
            }
        }
        observer.failed(after, sentence);
        return false;
    }

    private void directoryFailed(String sentence) {
        synchronized (lock) {
            failedPasses++; // wake-ups wait for the pause after it, so it is never a busy loop
            directoryError = sentence;
        }
    }

    /**
     * The service refused the write itself (bad input, a missing record, a refusing business rule): no one can fix
     * it from Jenkins, and holding it would block every later delivery of its key, so it is dropped and reported.
     */
    static boolean refusedAsInvalid(Exception e) {
        return e instanceof ApiException api
                && (api.problem() == Problem.INVALID_INPUT || api.problem() == Problem.NOT_FOUND || api.problem() == Problem.REFUSED);
    }

    /** A delivery Jenkins's own configuration cannot carry out (its build is gone, its instance removed) waits for an administrator. */
    static boolean waitingWillNotHelp(Exception e) {
        return e instanceof Undeliverable;
    }

    private static String sentence(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private void store(Delivery d) {
        try {
            files.write(d);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the delivery queue in " + files.directory() + ": " + e.getMessage(), e);
        }
    }

    private void delete(Delivery d) {
        try {
            files.delete(d);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not remove a delivered entry from " + files.directory() + ": " + e.getMessage(), e);
        }
    }

    /** A pass soon, unless passes are failing and wait for their pause; called with the lock held. */
    private void wakeWorker() {
        if (timer != null && failedPasses == 0) {
            requestPass();
        }
    }
}
