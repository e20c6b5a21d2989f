/* Error messages, aligned memory, size expressions and the default thread count. */
#include "nnc_support.h"

/* Each thread's last error: a failed call on one thread never overwrites another's message. */
static _Thread_local char last_error[4096];

int nnc_fail(const char* format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(last_error, sizeof last_error, format, args);
    va_end(args);
    return -1;
}

const char* nnc_rt_last_error(void) { return last_error; }

void nnc_text_append(nnc_text* t, const char* format, ...) {
    size_t room = sizeof t->text - t->length;
    if (room <= 1) return;
    va_list args;
    va_start(args, format);
    int n = vsnprintf(t->text + t->length, room, format, args);
    va_end(args);
    if (n < 0) return;
    if ((size_t) n >= room) {
        t->length = sizeof t->text - 1;
        memcpy(t->text + t->length - 3, "...", 3);
    } else {
        t->length += (size_t) n;
    }
}

void* nnc_alloc_zeroed(int64_t count, size_t size) {
    uint64_t bytes;
    if (count < 0 || __builtin_mul_overflow((uint64_t) count, (uint64_t) size, &bytes) || bytes > ((uint64_t) 1 << 48)) {
        return NULL;
    }
    void* p = NULL;
    /* Never zero bytes: a kernel's pointer to an empty tensor must still be a valid address. */
    if (posix_memalign(&p, 64, bytes < 64 ? 64 : (size_t) bytes) != 0) return NULL;
    memset(p, 0, bytes < 64 ? 64 : (size_t) bytes);
    return p;
}

int nnc_dim_eval(const nnc_dim_op* code, const int64_t* symbols, int64_t* out) {
    int64_t stack[32];
    int depth = 0;
    for (; code->op != NNC_DIM_END; code++) {
        if (code->op == NNC_DIM_CONST || code->op == NNC_DIM_SYMBOL) {
            if (depth == (int) (sizeof stack / sizeof stack[0])) return -1;
            stack[depth++] = code->op == NNC_DIM_CONST ? code->value : symbols[code->value];
            continue;
        }
        if (depth < 2) return -1;
        int64_t b = stack[--depth], a = stack[depth - 1], r;
        switch (code->op) {
            case NNC_DIM_ADD: if (__builtin_add_overflow(a, b, &r)) return -1; break;
            case NNC_DIM_SUB: if (__builtin_sub_overflow(a, b, &r)) return -1; break;
            case NNC_DIM_MUL: if (__builtin_mul_overflow(a, b, &r)) return -1; break;
            case NNC_DIM_DIV: if (b <= 0 || a % b != 0) return -1; r = a / b; break;
            default: return -1;
        }
        if (r < 0) return -1;
        stack[depth - 1] = r;
    }
    if (depth != 1) return -1;
    *out = stack[0];
    return 0;
}

/* The CPUs this process may run on (its affinity mask, as taskset and container limits set it). */
static int available_cpus(void) {
    uint64_t mask[NNC_MAX_THREADS / 64] = {0};
    int count = 0;
    if (sched_getaffinity(0, sizeof mask, mask) == 0) {
        for (size_t i = 0; i < sizeof mask / sizeof mask[0]; i++) count += __builtin_popcountll(mask[i]);
    }
    if (count < 1) count = (int) sysconf(NNC_SC_NPROCESSORS_ONLN);
    if (count < 1) return 1;
    return count > NNC_MAX_THREADS ? NNC_MAX_THREADS : count;
}

int nnc_default_threads(int* out) {
    const char* env = getenv("NNC_THREADS");
    if (env == NULL || *env == '\0') {
        *out = available_cpus();
        return 0;
    }
    int value = 0;
    for (const char* c = env; *c; c++) {
        if (*c < '0' || *c > '9' || value > NNC_MAX_THREADS) {
            value = -1;
            break;
        }
        value = value * 10 + (*c - '0');
    }
    if (value < 1 || value > NNC_MAX_THREADS) {
        return nnc_fail("NNC_THREADS is '%s', but it must be a whole number of threads from 1 to %d", env, NNC_MAX_THREADS);
    }
    *out = value;
    return 0;
}
