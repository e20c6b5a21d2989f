package dev.nnc.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The shared thread pool kernels split their work over.
 *
 * <p>A fixed set of daemon workers, created lazily, plus the calling thread, which always takes
 * part. A call publishes one job (the body and a task count), wakes just as many workers as there
 * are tasks beyond the caller's, and returns when every task has run; the job record is reused, so
 * a call allocates nothing beyond what the caller passes. Tasks are claimed from an atomic counter,
 * so a slow thread simply runs fewer of them, and the caller waits for the tasks, not for the
 * workers: a worker that wakes late (its core busy with another process) finds every task taken
 * and goes back to sleep, without having held the caller up. The counter carries the job's
 * generation, so a late worker can never claim a task of a later job by mistake.
 *
 * <p>Rules that keep it deadlock-free:
 * <ul>
 *   <li>a call made from inside a task (on a worker, or on the caller while its job runs) runs
 *       inline on that thread;</li>
 *   <li>a call made while another thread's job occupies the pool also runs inline, rather than
 *       queueing behind it;</li>
 *   <li>with {@link #threads()} == 1 everything runs inline.</li>
 * </ul>
 * The first exception a task throws is rethrown to the caller once all started tasks have
 * finished; tasks not yet claimed by then are skipped.
 */
public final class Parallel {
    /** The body of {@link #forBlocks}: handles the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** Spin this long for new work (workers) or for completion (caller) before parking. */
    private static final long SPIN_NANOS = 50_000;

    private static volatile int threads = initialThreads();
    private static final ReentrantLock POOL = new ReentrantLock();
    /** Workers created so far; grown (never shrunk) under {@link #POOL}. */
    private static Worker[] workers = new Worker[0];

    // The current job. Written by the caller under POOL before the generation is published in
    // CLAIMS (a volatile write); a thread that claims one of its tasks therefore sees them, and
    // they stay unchanged until every task has completed.
    private static IntConsumer jobIndexBody;
    private static RangeBody jobRangeBody;
    private static int jobTasks;
    private static int jobCount;
    /**
     * The current job's generation (high 32 bits) and how many of its tasks are still unclaimed
     * (low 32 bits): a claim takes task {@code jobTasks - remaining}. Both live in this one word
     * so that a claim needs no other field: a worker still busy with an old generation either
     * sees another generation or nothing left to claim, never a half-published job.
     */
    private static final AtomicLong CLAIMS = new AtomicLong();
    /** Tasks of the current job that have run (or were skipped after a failure). */
    private static final AtomicInteger COMPLETED = new AtomicInteger();
    private static volatile Throwable jobFailure;
    private static volatile Thread jobCaller;
    private static int generation;

    private Parallel() {}

    /** Threads a kernel may use: {@code nnc.threads}, else the available processors. */
    public static int threads() {
        return threads;
    }

    /** Overrides {@link #threads()} for later calls; values below 1 mean 1. */
    public static void setThreads(int n) {
        threads = Math.max(1, n);
    }

    /** Runs {@code body.accept(i)} for every i in {@code [0, count)}, spread over the pool. */
    public static void forRange(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        if (count == 1 || !enter()) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        try {
            run(body, null, count, count);
        } finally {
            POOL.unlock();
        }
    }

    /**
     * Splits {@code [0, count)} into at most {@link #threads()} contiguous ranges, each at least
     * {@code grain} long (except when count itself is smaller), and runs them in parallel.
     */
    public static void forBlocks(int count, int grain, RangeBody body) {
        if (count <= 0) {
            return;
        }
        int blocks = Math.min(threads, Math.max(1, count / Math.max(1, grain)));
        if (blocks == 1 || !enter()) {
            body.run(0, count);
            return;
        }
        try {
            run(null, body, blocks, count);
        } finally {
            POOL.unlock();
        }
    }

    /** Takes the pool for a top-level call; false means "run inline". */
    private static boolean enter() {
        if (threads <= 1 || Thread.currentThread() instanceof Worker || POOL.isHeldByCurrentThread()) {
            return false;
        }
        return POOL.tryLock();
    }

    private static void run(IntConsumer indexBody, RangeBody rangeBody, int tasks, int count) {
        int helpers = Math.min(threads, tasks) - 1;
        ensureWorkers(helpers);
        jobIndexBody = indexBody;
        jobRangeBody = rangeBody;
        jobTasks = tasks;
        jobCount = count;
        jobFailure = null;
        jobCaller = Thread.currentThread();
        COMPLETED.set(0);
        int gen = ++generation;
        CLAIMS.set(((long) gen << 32) | tasks);
        for (int w = 0; w < helpers; w++) {
            Worker worker = workers[w];
            worker.assigned = gen;
            LockSupport.unpark(worker);
        }
        work(gen);
        awaitCompletion(tasks);
        jobIndexBody = null;
        jobRangeBody = null;
        Throwable failure = jobFailure;
        if (failure != null) {
            jobFailure = null;
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new RuntimeException(failure);
        }
    }

    /** Claims and runs tasks of job {@code gen} until none are left, or returns at once if that job is over. */
    private static void work(int gen) {
        while (true) {
            long claim = CLAIMS.get();
            int remaining = (int) claim;
            if ((int) (claim >>> 32) != gen || remaining <= 0) {
                return;
            }
            if (!CLAIMS.compareAndSet(claim, claim - 1)) {
                continue;
            }
            // A task of job gen is ours: the job's fields cannot change before we complete it.
            int tasks = jobTasks, count = jobCount, t = tasks - remaining;
            int done = 1;
            try {
                if (jobIndexBody != null) {
                    jobIndexBody.accept(t);
                } else {
                    jobRangeBody.run((int) ((long) t * count / tasks), (int) ((long) (t + 1) * count / tasks));
                }
            } catch (Throwable e) {
                if (jobFailure == null) {
                    jobFailure = e;
                }
                done += skipRest(gen);
            }
            complete(done, tasks);
        }
    }

    /** After a failure: takes every unclaimed task of job {@code gen}, so none starts; returns how many. */
    private static int skipRest(int gen) {
        while (true) {
            long claim = CLAIMS.get();
            int remaining = (int) claim;
            if ((int) (claim >>> 32) != gen || remaining <= 0) {
                return 0;
            }
            if (CLAIMS.compareAndSet(claim, (long) gen << 32)) {
                return remaining;
            }
        }
    }

    /** Counts finished tasks; whoever finishes the last one wakes the caller. */
    private static void complete(int done, int tasks) {
        Thread caller = jobCaller; // read first: once the count is reached the caller may start another job
        if (COMPLETED.addAndGet(done) == tasks && caller != Thread.currentThread()) {
            LockSupport.unpark(caller);
        }
    }

    private static void awaitCompletion(int tasks) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (COMPLETED.get() != tasks) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(Parallel.class);
            }
        }
    }

    private static void ensureWorkers(int n) {
        if (workers.length >= n) {
            return;
        }
        Worker[] grown = java.util.Arrays.copyOf(workers, n);
        for (int i = workers.length; i < n; i++) {
            grown[i] = new Worker(i);
            grown[i].start();
        }
        workers = grown;
    }

    private static int initialThreads() {
        int n = Runtime.getRuntime().availableProcessors();
        String property = System.getProperty("nnc.threads");
        if (property != null && !property.isBlank()) {
            try {
                n = Integer.parseInt(property.trim());
            } catch (NumberFormatException e) {
                // keep the processor count: a bad tuning flag should not stop a model
            }
        }
        return Math.max(1, n);
    }

    private static final class Worker extends Thread {
        volatile int assigned;
        private int done;

        Worker(int index) {
            super("nnc-worker-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (assigned == done) {
                    if (System.nanoTime() < spinUntil) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this);
                    }
                }
                done = assigned;
                work(done);
            }
        }
    }
}
