/*
 * The thread pool behind parallel_for. Workers are started once and kept. A kernel's units
 * are split into contiguous ranges, one per thread; the calling thread runs the first range
 * itself. Each worker has its own mailbox (kernel, ctx, range and two job counters), so a
 * job is posted by plain stores followed by one release of the `posted` counter, and the
 * caller writes a mailbox only after the worker has reported the previous job `finished`.
 * Between kernels a worker spins on its mailbox (a model's kernels follow each other within
 * microseconds); after a while without work it sleeps on a condition variable.
 */
#include "nnc_support.h"

/* About a millisecond of spinning before a worker sleeps. */
#define SPINS_BEFORE_SLEEP (1 << 15)
/* The caller spins this long on a late worker before yielding its CPU. */
#define SPINS_BEFORE_YIELD (1 << 10)

typedef struct nnc_worker {
    nnc_kernel_fn kernel; /* NULL asks the worker to exit */
    void* ctx;
    int64_t from, to;
    uint64_t posted;   /* atomic: the number of the last job posted */
    uint64_t finished; /* atomic: the number of the last job done */
    pthread_t thread;
    struct nnc_pool* pool;
} __attribute__((aligned(64))) nnc_worker;

struct nnc_pool {
    int threads;         /* the workers and the calling thread */
    nnc_worker* workers; /* threads - 1 of them */
    int started;         /* workers whose thread runs */
    int sleepers;        /* atomic: workers waiting on `wake` */
    nnc_pthread_object lock, wake;
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* Waits until a job newer than `seen` is posted to `w`; returns its number. */
static uint64_t wait_for_job(nnc_pool* pool, nnc_worker* w, uint64_t seen) {
    for (int i = 0; i < SPINS_BEFORE_SLEEP; i++) {
        uint64_t job = __atomic_load_n(&w->posted, __ATOMIC_ACQUIRE);
        if (job != seen) return job;
        cpu_relax();
    }
    /* Announce the sleep before the last look (both sequentially consistent): a poster either sees us here or we see its job. */
    pthread_mutex_lock(&pool->lock);
    __atomic_fetch_add(&pool->sleepers, 1, __ATOMIC_SEQ_CST);
    uint64_t job;
    while ((job = __atomic_load_n(&w->posted, __ATOMIC_SEQ_CST)) == seen) pthread_cond_wait(&pool->wake, &pool->lock);
    __atomic_fetch_sub(&pool->sleepers, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&pool->lock);
    return job;
}

static void* worker_main(void* argument) {
    nnc_worker* w = argument;
    uint64_t seen = 0;
    for (;;) {
        seen = wait_for_job(w->pool, w, seen);
        if (w->kernel == NULL) return NULL;
        w->kernel(w->ctx, w->from, w->to);
        __atomic_store_n(&w->finished, seen, __ATOMIC_RELEASE);
    }
}

static void post(nnc_worker* w, nnc_kernel_fn kernel, void* ctx, int64_t from, int64_t to) {
    w->kernel = kernel;
    w->ctx = ctx;
    w->from = from;
    w->to = to;
    __atomic_store_n(&w->posted, __atomic_load_n(&w->posted, __ATOMIC_RELAXED) + 1, __ATOMIC_SEQ_CST);
}

static void wake_sleepers(nnc_pool* pool) {
    if (__atomic_load_n(&pool->sleepers, __ATOMIC_SEQ_CST) == 0) return;
    pthread_mutex_lock(&pool->lock);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->lock);
}

static void wait_until_finished(nnc_worker* w) {
    uint64_t job = __atomic_load_n(&w->posted, __ATOMIC_RELAXED);
    for (int spins = 0; __atomic_load_n(&w->finished, __ATOMIC_ACQUIRE) != job; spins++) {
        if (spins < SPINS_BEFORE_YIELD) {
            cpu_relax();
        } else {
            sched_yield();
        }
    }
}

void nnc_pool_destroy(nnc_pool* pool) {
    if (pool == NULL) return;
    for (int i = 0; i < pool->started; i++) post(&pool->workers[i], NULL, NULL, 0, 0);
    wake_sleepers(pool);
    for (int i = 0; i < pool->started; i++) pthread_join(pool->workers[i].thread, NULL);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->lock);
    free(pool->workers);
    free(pool);
}

nnc_pool* nnc_pool_create(int threads) {
    nnc_pool* pool = nnc_alloc_zeroed(1, sizeof(nnc_pool));
    nnc_worker* workers = threads > 1 ? nnc_alloc_zeroed(threads - 1, sizeof(nnc_worker)) : NULL;
    if (pool == NULL || (threads > 1 && workers == NULL)) {
        free(pool);
        free(workers);
        nnc_fail("out of memory for a pool of %d threads", threads);
        return NULL;
    }
    pool->threads = threads;
    pool->workers = workers;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    for (; pool->started < threads - 1; pool->started++) {
        nnc_worker* w = &workers[pool->started];
        w->pool = pool;
        int error = pthread_create(&w->thread, NULL, worker_main, w);
        if (error != 0) {
            nnc_pool_destroy(pool);
            nnc_fail("cannot start worker thread %d of %d: %s", pool->started + 1, threads - 1, strerror(error));
            return NULL;
        }
    }
    return pool;
}

void nnc_pool_parallel_for(void* p, nnc_kernel_fn kernel, void* ctx, int64_t units) {
    nnc_pool* pool = p;
    if (units <= 0) return;
    int64_t parts = pool->threads < units ? pool->threads : units;
    if (parts == 1) {
        kernel(ctx, 0, units);
        return;
    }
    /* Part i is [i*q + min(i, r), (i+1)*q + min(i+1, r)): sizes differ by at most one unit. */
    int64_t q = units / parts, r = units % parts;
#define PART_START(i) ((i) * q + ((i) < r ? (i) : r))
    for (int64_t i = 1; i < parts; i++) post(&pool->workers[i - 1], kernel, ctx, PART_START(i), PART_START(i + 1));
    wake_sleepers(pool);
    kernel(ctx, 0, PART_START(1));
#undef PART_START
    for (int64_t i = 1; i < parts; i++) wait_until_finished(&pool->workers[i - 1]);
}
