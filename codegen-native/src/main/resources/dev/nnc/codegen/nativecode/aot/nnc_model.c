/*
 * A loaded model: weights, load-time buffers, the context block, the scratch arena and the
 * thread pool. Every argument of a call is checked against the model's tables (sizes in
 * range, every buffer present with exactly the elements its shape needs, no output
 * overlapping another buffer, gather indices in range) before any generated code runs.
 * Calls on one model are serialized by its lock: they share its arena and its threads.
 */
#include "nnc_support.h"

struct nnc_model {
    const nnc_model_desc* desc;
    nnc_pthread_object lock;
    void** ctx;
    void** owned; /* weights, derived weights, workspaces */
    int owned_count;
    float* arena;
    int64_t arena_capacity;
    nnc_pool* pool;
};

void nnc_rt_destroy(nnc_model* m) {
    if (m == NULL) return;
    nnc_pool_destroy(m->pool);
    for (int i = 0; m->owned != NULL && i < m->owned_count; i++) free(m->owned[i]);
    free(m->owned);
    free(m->ctx);
    free(m->arena);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* Zeroed memory for derived weights and workspaces, which nnc_prepare fills. */
static int allocate_buffers(nnc_model* m, const nnc_buffer_desc* buffers, int count, const char* what) {
    for (int i = 0; i < count; i++) {
        void* p = nnc_alloc_zeroed(buffers[i].elements, sizeof(float));
        if (p == NULL) return nnc_fail("out of memory for a %s of %lld floats", what, (long long) buffers[i].elements);
        m->owned[m->owned_count++] = p;
        m->ctx[buffers[i].slot] = p;
    }
    return 0;
}

nnc_model* nnc_rt_create(const nnc_model_desc* d, const char* weights_path) {
    int threads;
    if (nnc_default_threads(&threads) != 0) return NULL;
    nnc_model* m = nnc_alloc_zeroed(1, sizeof(nnc_model));
    if (m == NULL) {
        nnc_fail("out of memory");
        return NULL;
    }
    m->desc = d;
    pthread_mutex_init(&m->lock, NULL);
    m->ctx = nnc_alloc_zeroed(d->slot_count, sizeof(void*));
    m->owned = nnc_alloc_zeroed(d->weight_count + d->derived_count + d->workspace_count, sizeof(void*));
    int status = m->ctx == NULL || m->owned == NULL ? nnc_fail("out of memory") : 0;
    if (status == 0) {
        status = nnc_load_weights(d, weights_path, m->ctx, m->owned);
        m->owned_count = d->weight_count;
    }
    if (status == 0) status = allocate_buffers(m, d->derived, d->derived_count, "derived weight");
    if (status == 0) status = allocate_buffers(m, d->workspaces, d->workspace_count, "load-time workspace");
    if (status == 0) {
        d->prepare(m->ctx);
        m->pool = nnc_pool_create(threads);
        if (m->pool == NULL) status = -1;
    }
    if (status != 0) {
        nnc_rt_destroy(m);
        return NULL;
    }
    return m;
}

int nnc_rt_set_threads(nnc_model* m, int threads) {
    if (m == NULL) return nnc_fail("the model is NULL");
    if (threads < 0 || threads > NNC_MAX_THREADS) {
        return nnc_fail("cannot use %d threads: the count must be from 1 to %d, or 0 for the default", threads, NNC_MAX_THREADS);
    }
    if (threads == 0 && nnc_default_threads(&threads) != 0) return -1;
    nnc_pool* pool = nnc_pool_create(threads);
    if (pool == NULL) return -1;
    pthread_mutex_lock(&m->lock);
    nnc_pool* old = m->pool;
    m->pool = pool;
    pthread_mutex_unlock(&m->lock);
    nnc_pool_destroy(old);
    return 0;
}

/* " for B = 2, S = 3": the sizes a message's numbers hold for. */
static void append_sizes(nnc_text* t, const nnc_model_desc* d, const int64_t* sizes) {
    for (int i = 0; i < d->symbol_count; i++) {
        nnc_text_append(t, "%s%s = %lld", i ? ", " : " for ", d->symbols[i].name, (long long) sizes[i]);
    }
}

/* Checks one input or output buffer: present, and exactly as long as its shape needs for these sizes. */
static int check_buffer(const nnc_model_desc* d, const nnc_tensor_desc* t, const char* kind, const int64_t* sizes,
                        const void* data, int64_t length) {
    int64_t needed;
    int valid = nnc_dim_eval(t->elements, sizes, &needed) == 0;
    if (valid && length == needed) {
        return data == NULL && needed > 0 ? nnc_fail("%s '%s' (%s) is NULL", kind, t->name, t->type) : 0;
    }
    nnc_text for_sizes = {{0}, 0};
    append_sizes(&for_sizes, d, sizes);
    if (!valid) return nnc_fail("%s '%s' (%s) has no valid size%s", kind, t->name, t->type, for_sizes.text);
    return nnc_fail("%s '%s' (%s) needs %lld elements%s, but its length is %lld", kind, t->name, t->type, (long long) needed,
                    for_sizes.text, (long long) length);
}

static int64_t element_size(const nnc_tensor_desc* t) { return t->element == NNC_ELEMENT_I64 ? 8 : 4; }

/* Whether output `o` shares a byte with any other buffer: kernels may read an input after writing an output. */
static int check_overlaps(const nnc_model_desc* d, const void* const* inputs, const int64_t* input_lengths,
                          float* const* outputs, const int64_t* output_lengths, int o) {
    const char* start = (const char*) outputs[o];
    const char* end = start + output_lengths[o] * 4;
    for (int i = 0; i < d->input_count + d->output_count; i++) {
        int is_input = i < d->input_count;
        int k = is_input ? i : i - d->input_count;
        if (!is_input && k == o) continue;
        const nnc_tensor_desc* t = is_input ? &d->inputs[k] : &d->outputs[k];
        const char* other = is_input ? (const char*) inputs[k] : (const char*) outputs[k];
        const char* other_end = other + (is_input ? input_lengths[k] : output_lengths[k]) * element_size(t);
        if (start < other_end && other < end) {
            return nnc_fail("output '%s' overlaps %s '%s': outputs need memory of their own", d->outputs[o].name,
                            is_input ? "input" : "output", t->name);
        }
    }
    return 0;
}

/* Gather indices: JVM semantics, negative values count from the end of the axis. */
static int check_indices(const nnc_model_desc* d, const int64_t* sizes, const void* const* inputs, const int64_t* lengths) {
    for (int c = 0; c < d->index_check_count; c++) {
        const nnc_index_check* check = &d->index_checks[c];
        const int64_t* values = inputs[check->input];
        int64_t axis;
        if (nnc_dim_eval(check->axis_length, sizes, &axis) != 0) return nnc_fail("an index range has no valid size");
        for (int64_t i = 0; i < lengths[check->input]; i++) {
            if (values[i] < -axis || values[i] >= axis) {
                return nnc_fail("input '%s' element %lld is %lld, out of range for an axis of length %lld; valid indices are [%lld, %lld]",
                                d->inputs[check->input].name, (long long) i, (long long) values[i], (long long) axis,
                                (long long) -axis, (long long) axis - 1);
            }
        }
    }
    return 0;
}

/* Sizes past what a kernel can serve (see nnc_size_limit). */
static int check_size_limits(const nnc_model_desc* d, const int64_t* sizes) {
    for (int c = 0; c < d->size_limit_count; c++) {
        const nnc_size_limit* limit = &d->size_limits[c];
        int64_t value;
        if (nnc_dim_eval(limit->size, sizes, &value) != 0) return nnc_fail("size %s has no valid value", limit->text);
        if (value > limit->max) {
            return nnc_fail("size %s = %lld is larger than %lld, the most this model supports: %s", limit->text,
                            (long long) value, (long long) limit->max, limit->why);
        }
    }
    return 0;
}

static int check_arguments(const nnc_model_desc* d, const int64_t* sizes, const void* const* inputs,
                           const int64_t* input_lengths, float* const* outputs, const int64_t* output_lengths) {
    if (d->symbol_count > 0 && sizes == NULL) return nnc_fail("sizes is NULL, but the model takes %d of them", d->symbol_count);
    if (d->input_count > 0 && (inputs == NULL || input_lengths == NULL)) return nnc_fail("inputs or input_lengths is NULL");
    if (d->output_count > 0 && (outputs == NULL || output_lengths == NULL)) return nnc_fail("outputs or output_lengths is NULL");
    for (int i = 0; i < d->symbol_count; i++) {
        if (sizes[i] < 1 || sizes[i] > NNC_MAX_SIZE) {
            return nnc_fail("size %s = %lld is out of range: it must be from 1 to %lld", d->symbols[i].name, (long long) sizes[i],
                            NNC_MAX_SIZE);
        }
    }
    for (int i = 0; i < d->input_count; i++) {
        if (check_buffer(d, &d->inputs[i], "input", sizes, inputs[i], input_lengths[i]) != 0) return -1;
    }
    for (int i = 0; i < d->output_count; i++) {
        if (check_buffer(d, &d->outputs[i], "output", sizes, outputs[i], output_lengths[i]) != 0) return -1;
    }
    for (int i = 0; i < d->output_count; i++) {
        if (check_overlaps(d, inputs, input_lengths, outputs, output_lengths, i) != 0) return -1;
    }
    if (check_size_limits(d, sizes) != 0) return -1;
    return check_indices(d, sizes, inputs, input_lengths);
}

/* The arena for these sizes, grown when a larger batch needs more; called under the lock. */
static int ensure_arena(nnc_model* m, const int64_t* sizes) {
    int64_t needed;
    if (nnc_dim_eval(m->desc->arena_elements, sizes, &needed) != 0) return nnc_fail("the scratch arena size overflows for these sizes");
    if (needed <= m->arena_capacity && m->arena != NULL) return 0;
    free(m->arena);
    m->arena = nnc_alloc_zeroed(needed, sizeof(float));
    m->arena_capacity = m->arena == NULL ? 0 : needed;
    if (m->arena == NULL) return nnc_fail("out of memory for a scratch arena of %lld floats", (long long) needed);
    return 0;
}

int nnc_rt_run(nnc_model* m, const int64_t* sizes, const void* const* inputs, const int64_t* input_lengths,
               float* const* outputs, const int64_t* output_lengths) {
    if (m == NULL) return nnc_fail("the model is NULL");
    const nnc_model_desc* d = m->desc;
    if (check_arguments(d, sizes, inputs, input_lengths, outputs, output_lengths) != 0) return -1;
    pthread_mutex_lock(&m->lock);
    int status = ensure_arena(m, sizes);
    if (status == 0) {
        void** ctx = m->ctx;
        ctx[0] = m->arena;
        for (int i = 0; i < d->symbol_count; i++) ((int64_t*) ctx)[d->symbols[i].slot] = sizes[i];
        for (int i = 0; i < d->input_count; i++) ctx[d->inputs[i].slot] = (void*) inputs[i];
        for (int i = 0; i < d->output_count; i++) ctx[d->outputs[i].slot] = outputs[i];
        d->run(ctx, nnc_pool_parallel_for, m->pool);
    }
    pthread_mutex_unlock(&m->lock);
    return status;
}

int nnc_rt_predict(nnc_model* m, int64_t batch, const float* input, int64_t input_length, float* output,
                   int64_t output_length) {
    const void* inputs[1] = {input};
    float* outputs[1] = {output};
    return nnc_rt_run(m, &batch, inputs, &input_length, outputs, &output_length);
}
