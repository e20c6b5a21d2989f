package dev.nnc.runtime.kernels;

import java.util.concurrent.atomic.AtomicInteger;
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
 * so a slow thread simply runs fewer of them.
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

    // The current job. Written by the caller under POOL before workers are signalled; the
    // volatile write of Worker.assigned publishes it to them.
    private static IntConsumer jobIndexBody;
    private static RangeBody jobRangeBody;
    private static int jobTasks;
    private static int jobCount;
    private static final AtomicInteger NEXT_TASK = new AtomicInteger();
    private static final AtomicInteger PENDING_WORKERS = new AtomicInteger();
    private static volatile Throwable jobFailure;
    private static volatile Thread jobCaller;
    private static long generation;

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
        NEXT_TASK.set(0);
        PENDING_WORKERS.set(helpers);
        long gen = ++generation;
        for (int w = 0; w < helpers; w++) {
            Worker worker = workers[w];
            worker.assigned = gen;
            LockSupport.unpark(worker);
        }
        work();
        awaitWorkers();
        jobIndexBody = null;
        jobRangeBody = null;
        jobCaller = null;
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

    /** Claims and runs tasks of the current job until none are left. */
    private static void work() {
        IntConsumer indexBody = jobIndexBody;
        RangeBody rangeBody = jobRangeBody;
        int tasks = jobTasks;
        int count = jobCount;
        for (int t; (t = NEXT_TASK.getAndIncrement()) < tasks; ) {
            try {
                if (indexBody != null) {
                    indexBody.accept(t);
                } else {
                    int from = (int) ((long) t * count / tasks);
                    int to = (int) ((long) (t + 1) * count / tasks);
                    rangeBody.run(from, to);
                }
            } catch (Throwable e) {
                if (jobFailure == null) {
                    jobFailure = e;
                }
                NEXT_TASK.set(tasks); // skip what nobody has started yet
            }
        }
    }

    private static void awaitWorkers() {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (PENDING_WORKERS.get() != 0) {
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
        volatile long assigned;
        private long done;

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
                work();
                Thread caller = jobCaller;
                if (PENDING_WORKERS.decrementAndGet() == 0) {
                    LockSupport.unpark(caller);
                }
            }
        }
    }
}
