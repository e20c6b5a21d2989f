/* Helpers the parts of the nnc runtime share: error messages, memory, size expressions, threads, weights. */
#ifndef NNC_SUPPORT_H
#define NNC_SUPPORT_H

#include "nnc_runtime.h"

#define NNC_MAX_THREADS 1024
/* The largest value a size symbol (a batch size) may take, as on the JVM backend. */
#define NNC_MAX_SIZE 2147483647LL

/* Sets this thread's last error message; returns -1 so that callers can `return nnc_fail(...)`. */
int nnc_fail(const char* format, ...) __attribute__((format(printf, 1, 2)));

/* A message built in pieces; text past the capacity is dropped, ending in "...". */
typedef struct {
    char text[3072];
    size_t length;
} nnc_text;
void nnc_text_append(nnc_text* t, const char* format, ...) __attribute__((format(printf, 2, 3)));

/* `count` elements of `size` bytes, 64-byte aligned and zeroed; NULL when out of memory or too large. */
void* nnc_alloc_zeroed(int64_t count, size_t size);

/* Evaluates a size expression; -1 (no message) on overflow, a negative size or an inexact division. */
int nnc_dim_eval(const nnc_dim_op* code, const int64_t* symbols, int64_t* out);

/* NNC_THREADS if set, else the CPUs this process may run on; -1 with a message when NNC_THREADS is bad. */
int nnc_default_threads(int* out);

/* Persistent worker threads that run a kernel's units in parallel, the calling thread taking part. */
typedef struct nnc_pool nnc_pool;
nnc_pool* nnc_pool_create(int threads);
void nnc_pool_destroy(nnc_pool* pool);
void nnc_pool_parallel_for(void* pool, nnc_kernel_fn kernel, void* ctx, int64_t units);

/*
 * Reads every weight of the model from a safetensors file into new buffers, stored in the
 * weights' ctx slots and in owned[0 .. weight_count) for freeing; -1 with a message listing
 * every problem (missing, misshaped or unexpected tensors) or naming what is wrong with the file.
 */
int nnc_load_weights(const nnc_model_desc* desc, const char* path, void** ctx, void** owned);

#endif
