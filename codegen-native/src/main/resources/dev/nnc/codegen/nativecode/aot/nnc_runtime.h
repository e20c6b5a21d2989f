/*
 * What a model's generated source (tables of its tensors and the exported C API) shares with
 * the generic nnc runtime. The model's machine code is an LLVM module exporting
 * nnc_prepare(ctx) and nnc_run(ctx, parallel_for, pool); ctx is an array of 8-byte slots
 * (arena, symbol values, tensor pointers, workspaces; see ModuleLayout.java) that the
 * runtime fills from these tables.
 */
#ifndef NNC_RUNTIME_H
#define NNC_RUNTIME_H

#include "nnc_libc.h"

#define NNC_EXPORT __attribute__((visibility("default")))

/* One step of a size expression in postfix form: B*784 is SYMBOL 0, CONST 784, MUL, END. */
typedef enum {
    NNC_DIM_END,
    NNC_DIM_CONST,
    NNC_DIM_SYMBOL,
    NNC_DIM_ADD,
    NNC_DIM_SUB,
    NNC_DIM_MUL,
    NNC_DIM_DIV
} nnc_dim_opcode;

typedef struct {
    nnc_dim_opcode op;
    int64_t value; /* the constant, or the symbol's index */
} nnc_dim_op;

typedef enum { NNC_ELEMENT_F32, NNC_ELEMENT_I64 } nnc_element_type;

/* A size chosen per call, such as the batch size B. */
typedef struct {
    const char* name;
    int slot; /* the context slot of its value */
} nnc_symbol_desc;

/* A model input or output. */
typedef struct {
    const char* name;
    const char* type;            /* as the model declares it, e.g. "f32[B,1,28,28]" */
    nnc_element_type element;
    const nnc_dim_op* elements;  /* its element count */
    int slot;                    /* the context slot of its pointer */
} nnc_tensor_desc;

/* A trained parameter, read from the weights file. */
typedef struct {
    const char* name;
    const char* type;
    int rank;
    const int64_t* shape;
    int64_t elements;
    int slot;
} nnc_weight_desc;

/* Memory the model fills at load time (derived weights, packed panels), zeroed first. */
typedef struct {
    int64_t elements;
    int slot;
} nnc_buffer_desc;

/* An integer input used as gather indices: every value must lie in [-length, length). */
typedef struct {
    int input;
    const nnc_dim_op* axis_length;
} nnc_index_check;

/* A size the kernels can serve up to a maximum (the first S rows of a fixed table); why says so in messages. */
typedef struct {
    const nnc_dim_op* size;
    const char* text;  /* the size as written, e.g. "S" */
    int64_t max;
    const char* why;
} nnc_size_limit;

typedef void (*nnc_kernel_fn)(void* ctx, int64_t from, int64_t to);
typedef void (*nnc_parallel_for_fn)(void* pool, nnc_kernel_fn kernel, void* ctx, int64_t units);

typedef struct {
    const char* name;
    int symbol_count;
    const nnc_symbol_desc* symbols;
    int input_count;
    const nnc_tensor_desc* inputs;
    int output_count;
    const nnc_tensor_desc* outputs;
    int weight_count;
    const nnc_weight_desc* weights;
    int derived_count;
    const nnc_buffer_desc* derived;
    int workspace_count;
    const nnc_buffer_desc* workspaces;
    int index_check_count;
    const nnc_index_check* index_checks;
    int size_limit_count;
    const nnc_size_limit* size_limits;
    const nnc_dim_op* arena_elements; /* the arena's pointer is slot 0 */
    int slot_count;
    void (*prepare)(void** ctx);
    void (*run)(void** ctx, nnc_parallel_for_fn parallel_for, void* pool);
} nnc_model_desc;

/* The runtime's entry points; the generated C API forwards to them (see the model's header for their contracts). */
typedef struct nnc_model nnc_model;
nnc_model* nnc_rt_create(const nnc_model_desc* desc, const char* weights_path);
int nnc_rt_set_threads(nnc_model* model, int threads);
int nnc_rt_run(nnc_model* model, const int64_t* sizes, const void* const* inputs, const int64_t* input_lengths,
               float* const* outputs, const int64_t* output_lengths);
int nnc_rt_predict(nnc_model* model, int64_t batch, const float* input, int64_t input_length, float* output,
                   int64_t output_length);
void nnc_rt_destroy(nnc_model* model);
const char* nnc_rt_last_error(void);

#endif
