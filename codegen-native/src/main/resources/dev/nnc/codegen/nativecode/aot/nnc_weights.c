/*
 * Reads a safetensors file: an 8-byte little-endian header length N, N bytes of JSON
 * {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then the
 * data (offsets count from its start). Weights are matched by name the way the JVM backend
 * does (WeightBinder.java): same shape, F32, F16 or BF16 data widened to f32; every missing,
 * misshaped or unexpected tensor is reported in one message. Every offset and length in the
 * file is checked before it is used.
 */
#include "nnc_support.h"

#define MAX_RANK 16
/* A header larger than this is not a tensor index (the format's own limit is 100 MB). */
#define MAX_HEADER (100 << 20)

typedef struct {
    char* name; /* decoded, NUL-terminated */
    size_t name_length;
    char dtype[8];
    int rank;
    int64_t shape[MAX_RANK];
    int64_t elements;
    uint64_t begin, end;
    int used;
} tensor_entry;

typedef struct {
    const char* at;
    const char* start;
    const char* end;
    const char* expected; /* what the parser wanted where it stopped */
} json;

typedef struct {
    const char* path;
    tensor_entry* entries;
    int count;
} header;

static int json_error(json* j, const char* expected) {
    j->expected = expected;
    return -1;
}

static void skip_space(json* j) {
    while (j->at < j->end && (*j->at == ' ' || *j->at == '\t' || *j->at == '\n' || *j->at == '\r')) j->at++;
}

static int accept(json* j, char c) {
    skip_space(j);
    if (j->at < j->end && *j->at == c) {
        j->at++;
        return 1;
    }
    return 0;
}

static int expect(json* j, char c, const char* what) { return accept(j, c) ? 0 : json_error(j, what); }

static int hex_digits(json* j, uint32_t* out) {
    if (j->end - j->at < 4) return json_error(j, "four hex digits after \\u");
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *j->at++;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return json_error(j, "four hex digits after \\u");
        v = v * 16 + (uint32_t) d;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char* out, uint32_t cp) {
    if (cp < 0x80) { out[0] = (char) cp; return 1; }
    if (cp < 0x800) { out[0] = (char) (0xC0 | cp >> 6); out[1] = (char) (0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char) (0xE0 | cp >> 12); out[1] = (char) (0x80 | (cp >> 6 & 0x3F)); out[2] = (char) (0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char) (0xF0 | cp >> 18); out[1] = (char) (0x80 | (cp >> 12 & 0x3F));
    out[2] = (char) (0x80 | (cp >> 6 & 0x3F)); out[3] = (char) (0x80 | (cp & 0x3F));
    return 4;
}

/* A JSON string, decoded into a new NUL-terminated buffer (never longer than its escaped form). */
static int parse_string(json* j, char** out, size_t* length) {
    if (!accept(j, '"')) return json_error(j, "a string");
    const char* close = j->at;
    while (close < j->end && *close != '"') close += *close == '\\' && close + 1 < j->end ? 2 : 1;
    if (close >= j->end) return json_error(j, "the end of a string");
    char* s = malloc((size_t) (close - j->at) + 1);
    if (s == NULL) return json_error(j, "a shorter header (out of memory)");
    size_t n = 0;
    while (j->at < close) {
        unsigned char c = (unsigned char) *j->at++;
        if (c < 0x20) { free(s); return json_error(j, "no control characters in a string"); }
        if (c != '\\') { s[n++] = (char) c; continue; }
        char e = *j->at++;
        const char* simple = "\"\"\\\\//b\bf\fn\nr\rt\t";
        int found = 0;
        for (int i = 0; simple[i]; i += 2) {
            if (simple[i] == e) { s[n++] = simple[i + 1]; found = 1; break; }
        }
        if (found) continue;
        uint32_t cp, low;
        if (e != 'u' || hex_digits(j, &cp) != 0) { free(s); return json_error(j, "a valid escape in a string"); }
        if (cp >= 0xD800 && cp < 0xDC00) {
            if (close - j->at < 6 || j->at[0] != '\\' || j->at[1] != 'u') { free(s); return json_error(j, "a surrogate pair"); }
            j->at += 2;
            if (hex_digits(j, &low) != 0 || low < 0xDC00 || low > 0xDFFF) { free(s); return json_error(j, "a surrogate pair"); }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        } else if (cp >= 0xDC00 && cp < 0xE000) {
            free(s);
            return json_error(j, "a surrogate pair");
        }
        n += put_utf8(s + n, cp);
    }
    j->at = close + 1;
    s[n] = '\0';
    *out = s;
    *length = n;
    return 0;
}

static int parse_natural(json* j, uint64_t* out) {
    skip_space(j);
    if (j->at >= j->end || *j->at < '0' || *j->at > '9') return json_error(j, "a non-negative whole number");
    uint64_t v = 0;
    while (j->at < j->end && *j->at >= '0' && *j->at <= '9') {
        if (v > ((uint64_t) 1 << 59)) return json_error(j, "a smaller number"); /* keeps v * 10 + 9 below 2^63 */
        v = v * 10 + (uint64_t) (*j->at++ - '0');
    }
    if (j->at < j->end && (*j->at == '.' || *j->at == 'e' || *j->at == 'E')) return json_error(j, "a whole number");
    *out = v;
    return 0;
}

/* Any JSON value, unread: objects and arrays nest at most 64 deep. */
static int skip_value(json* j, int depth) {
    skip_space(j);
    if (depth > 64) return json_error(j, "less nesting");
    if (j->at >= j->end) return json_error(j, "a value");
    char c = *j->at;
    if (c == '"') {
        char* s;
        size_t n;
        if (parse_string(j, &s, &n) != 0) return -1;
        free(s);
        return 0;
    }
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->at++;
        if (accept(j, close)) return 0;
        do {
            if (c == '{') {
                char* key;
                size_t n;
                if (parse_string(j, &key, &n) != 0) return -1;
                free(key);
                if (expect(j, ':', "':'") != 0) return -1;
            }
            if (skip_value(j, depth + 1) != 0) return -1;
        } while (accept(j, ','));
        return expect(j, close, c == '{' ? "',' or '}'" : "',' or ']'");
    }
    const char* begin = j->at;
    while (j->at < j->end && (*j->at == '-' || *j->at == '+' || *j->at == '.' || (*j->at >= '0' && *j->at <= '9')
                              || (*j->at >= 'a' && *j->at <= 'z') || (*j->at >= 'A' && *j->at <= 'Z'))) {
        j->at++;
    }
    return j->at > begin ? 0 : json_error(j, "a value");
}

static int parse_naturals(json* j, uint64_t* values, int capacity, int* count) {
    if (expect(j, '[', "'['") != 0) return -1;
    *count = 0;
    if (accept(j, ']')) return 0;
    do {
        if (*count == capacity) return json_error(j, "fewer array elements");
        if (parse_natural(j, &values[(*count)++]) != 0) return -1;
    } while (accept(j, ','));
    return expect(j, ']', "',' or ']'");
}

/* {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, fields in any order. */
static int parse_tensor(json* j, tensor_entry* t) {
    if (expect(j, '{', "a tensor description {\"dtype\", \"shape\", \"data_offsets\"}") != 0) return -1;
    int have_dtype = 0, have_shape = 0, have_offsets = 0;
    if (!accept(j, '}')) {
        do {
            char* key;
            size_t n;
            if (parse_string(j, &key, &n) != 0) return -1;
            int is_dtype = strlen(key) == 5 && memcmp(key, "dtype", 5) == 0;
            int is_shape = strlen(key) == 5 && memcmp(key, "shape", 5) == 0;
            int is_offsets = strlen(key) == 12 && memcmp(key, "data_offsets", 12) == 0;
            free(key);
            if (expect(j, ':', "':'") != 0) return -1;
            if (is_dtype) {
                char* dtype;
                if (parse_string(j, &dtype, &n) != 0) return -1;
                if (n >= sizeof t->dtype) n = sizeof t->dtype - 1;
                memcpy(t->dtype, dtype, n);
                t->dtype[n] = '\0';
                free(dtype);
                have_dtype = 1;
            } else if (is_shape) {
                uint64_t dims[MAX_RANK];
                if (parse_naturals(j, dims, MAX_RANK, &t->rank) != 0) return -1;
                t->elements = 1;
                for (int i = 0; i < t->rank; i++) {
                    t->shape[i] = (int64_t) dims[i];
                    if (__builtin_mul_overflow(t->elements, t->shape[i], &t->elements)) return json_error(j, "a smaller shape");
                }
                have_shape = 1;
            } else if (is_offsets) {
                uint64_t offsets[2];
                int count;
                if (parse_naturals(j, offsets, 2, &count) != 0) return -1;
                if (count != 2) return json_error(j, "data_offsets [begin, end]");
                t->begin = offsets[0];
                t->end = offsets[1];
                have_offsets = 1;
            } else if (skip_value(j, 1) != 0) {
                return -1;
            }
        } while (accept(j, ','));
        if (expect(j, '}', "',' or '}'") != 0) return -1;
    }
    if (!have_dtype || !have_shape || !have_offsets) return json_error(j, "\"dtype\", \"shape\" and \"data_offsets\" in every tensor");
    return 0;
}

static void free_header(header* h) {
    for (int i = 0; i < h->count; i++) free(h->entries[i].name);
    free(h->entries);
}

static int parse_header(json* j, header* h) {
    int capacity = 0;
    if (expect(j, '{', "'{'") != 0) return -1;
    if (accept(j, '}')) return 0;
    do {
        char* name;
        size_t length;
        if (parse_string(j, &name, &length) != 0) return -1;
        if (expect(j, ':', "':'") != 0) {
            free(name);
            return -1;
        }
        if (length == 12 && memcmp(name, "__metadata__", 12) == 0) {
            free(name);
            if (skip_value(j, 1) != 0) return -1;
            continue;
        }
        if (h->count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            tensor_entry* grown = realloc(h->entries, (size_t) capacity * sizeof(tensor_entry));
            if (grown == NULL) {
                free(name);
                return json_error(j, "a shorter header (out of memory)");
            }
            h->entries = grown;
        }
        tensor_entry* t = &h->entries[h->count++];
        memset(t, 0, sizeof *t);
        t->name = name;
        t->name_length = length;
        if (parse_tensor(j, t) != 0) return -1;
    } while (accept(j, ','));
    if (expect(j, '}', "',' or '}'") != 0) return -1;
    skip_space(j);
    return j->at == j->end ? 0 : json_error(j, "the end of the header");
}

static int element_bytes(const char* dtype) {
    if (strlen(dtype) == 3 && memcmp(dtype, "F32", 3) == 0) return 4;
    if (strlen(dtype) == 3 && memcmp(dtype, "F16", 3) == 0) return 2;
    if (strlen(dtype) == 4 && memcmp(dtype, "BF16", 4) == 0) return 2;
    return 0;
}

static float bits_to_float(uint32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t) (h & 0x8000) << 16, exponent = h >> 10 & 0x1F, mantissa = h & 0x3FF;
    if (exponent == 0x1F) return bits_to_float(sign | 0x7F800000 | mantissa << 13); /* infinity, NaN */
    if (exponent != 0) return bits_to_float(sign | (exponent + 112) << 23 | mantissa << 13);
    if (mantissa == 0) return bits_to_float(sign);
    /* A subnormal half is a normal float: shift the mantissa up to its implicit bit. */
    uint32_t e = 113;
    while (!(mantissa & 0x400)) {
        mantissa <<= 1;
        e--;
    }
    return bits_to_float(sign | e << 23 | (mantissa & 0x3FF) << 13);
}

static void append_file_type(nnc_text* t, const tensor_entry* e) {
    nnc_text_append(t, "%s[", e->dtype);
    for (int i = 0; i < e->rank; i++) nnc_text_append(t, i ? ",%lld" : "%lld", (long long) e->shape[i]);
    nnc_text_append(t, "]");
}

static tensor_entry* find(header* h, const char* name) {
    size_t length = strlen(name);
    for (int i = 0; i < h->count; i++) {
        if (h->entries[i].name_length == length && memcmp(h->entries[i].name, name, length) == 0) return &h->entries[i];
    }
    return NULL;
}

static int ends_with(const tensor_entry* e, const char* suffix) {
    size_t n = strlen(suffix);
    return e->name_length >= n && memcmp(e->name + e->name_length - n, suffix, n) == 0;
}

/* Every problem of matching the file's tensors to the model's weights, reported at once; 0 when they match. */
static int match(const nnc_model_desc* d, header* h, tensor_entry** chosen) {
    nnc_text problems = {{0}, 0};
    int count = 0;
    for (int i = 0; i < d->weight_count; i++) {
        const nnc_weight_desc* w = &d->weights[i];
        tensor_entry* e = chosen[i] = find(h, w->name);
        if (e == NULL) {
            nnc_text_append(&problems, "\nweight '%s' is missing: the model expects %s.", w->name, w->type);
            count++;
            continue;
        }
        e->used = 1;
        int same_shape = e->rank == w->rank;
        for (int k = 0; same_shape && k < w->rank; k++) same_shape = e->shape[k] == w->shape[k];
        if (!same_shape || element_bytes(e->dtype) == 0) {
            nnc_text_append(&problems, "\nweight '%s': expected %s but the file has ", w->name, w->type);
            append_file_type(&problems, e);
            nnc_text_append(&problems, "%s", same_shape ? " (only F32, F16 and BF16 data can be loaded into an f32 weight)." : ".");
            count++;
        }
    }
    for (int i = 0; i < h->count; i++) {
        tensor_entry* e = &h->entries[i];
        /* PyTorch's batch norm counts its training steps in the state dict; inference never reads it. */
        if (e->used || ends_with(e, ".num_batches_tracked")) continue;
        nnc_text_append(&problems, "\nunexpected weight '%s' (", e->name);
        append_file_type(&problems, e);
        nnc_text_append(&problems, "): the model has no parameter named '%s'.", e->name);
        count++;
    }
    if (count == 0) return 0;
    return nnc_fail("The weights in %s do not match the model %s (%d problem%s):%s", h->path, d->name, count,
                    count == 1 ? "" : "s", problems.text);
}

static int read_at(FILE* file, uint64_t offset, void* to, uint64_t bytes) {
    return fseeko(file, (int64_t) offset, SEEK_SET) == 0 && fread(to, 1, (size_t) bytes, file) == bytes ? 0 : -1;
}

/* Reads one weight's data into a new f32 buffer, widening F16 and BF16. */
static float* read_weight(FILE* file, uint64_t data_start, const tensor_entry* e) {
    float* out = nnc_alloc_zeroed(e->elements, sizeof(float));
    if (out == NULL) return NULL;
    if (element_bytes(e->dtype) == 4) {
        if (read_at(file, data_start + e->begin, out, e->end - e->begin) == 0) return out;
    } else {
        uint16_t* halves = nnc_alloc_zeroed(e->elements, sizeof(uint16_t));
        int ok = halves != NULL && read_at(file, data_start + e->begin, halves, e->end - e->begin) == 0;
        int brain = e->dtype[0] == 'B';
        for (int64_t i = 0; ok && i < e->elements; i++) {
            out[i] = brain ? bits_to_float((uint32_t) halves[i] << 16) : half_to_float(halves[i]);
        }
        free(halves);
        if (ok) return out;
    }
    free(out);
    return NULL;
}

/* The header's tensors, each checked to lie inside the data section with the size its dtype and shape need. */
static int read_header(FILE* file, const char* path, header* h, uint64_t* data_start) {
    if (fseeko(file, 0, SEEK_END) != 0) return nnc_fail("cannot read weights file '%s': %s", path, strerror(*__errno_location()));
    int64_t size = ftello(file);
    uint8_t prefix[8];
    if (size < 8 || read_at(file, 0, prefix, 8) != 0) {
        return nnc_fail("weights file '%s' is not a safetensors file: it is shorter than the 8-byte header length", path);
    }
    uint64_t length = 0;
    for (int i = 7; i >= 0; i--) length = length << 8 | prefix[i];
    if (length > (uint64_t) size - 8 || length > MAX_HEADER) {
        return nnc_fail("weights file '%s' is not a safetensors file: its header length field says %llu bytes, but %lld bytes follow",
                        path, (unsigned long long) length, (long long) size - 8);
    }
    char* text = malloc(length + 1);
    if (text == NULL) return nnc_fail("out of memory reading the header of weights file '%s'", path);
    if (read_at(file, 8, text, length) != 0) {
        free(text);
        return nnc_fail("cannot read the header of weights file '%s'", path);
    }
    json j = {text, text, text + length, NULL};
    int status = parse_header(&j, h);
    if (status != 0) {
        nnc_fail("weights file '%s' is not a safetensors file: its JSON header is malformed at byte %lld (expected %s)", path,
                 (long long) (j.at - j.start), j.expected);
    }
    free(text);
    if (status != 0) return -1;
    *data_start = 8 + length;
    uint64_t data_length = (uint64_t) size - *data_start;
    for (int i = 0; i < h->count; i++) {
        tensor_entry* e = &h->entries[i];
        uint64_t bytes;
        int size_overflows = __builtin_mul_overflow((uint64_t) e->elements, (uint64_t) element_bytes(e->dtype), &bytes);
        if (e->begin > e->end || e->end > data_length) {
            return nnc_fail("weights file '%s' is damaged: tensor '%s' has data_offsets [%llu, %llu] outside its data section of %llu bytes",
                            path, e->name, (unsigned long long) e->begin, (unsigned long long) e->end,
                            (unsigned long long) data_length);
        }
        if (element_bytes(e->dtype) != 0 && (size_overflows || e->end - e->begin != bytes)) {
            return nnc_fail("weights file '%s' is damaged: tensor '%s' (%s, %lld elements) needs %llu bytes, but its data_offsets span %llu",
                            path, e->name, e->dtype, (long long) e->elements, (unsigned long long) bytes,
                            (unsigned long long) (e->end - e->begin));
        }
    }
    return 0;
}

int nnc_load_weights(const nnc_model_desc* d, const char* path, void** ctx, void** owned) {
    if (path == NULL) return nnc_fail("the weights path is NULL");
    FILE* file = fopen(path, "rb");
    if (file == NULL) return nnc_fail("cannot open weights file '%s': %s", path, strerror(*__errno_location()));
    header h = {path, NULL, 0};
    uint64_t data_start = 0;
    tensor_entry** chosen = malloc(sizeof(tensor_entry*) * (size_t) (d->weight_count + 1));
    int status = chosen == NULL ? nnc_fail("out of memory") : read_header(file, path, &h, &data_start);
    if (status == 0) status = match(d, &h, chosen);
    for (int i = 0; status == 0 && i < d->weight_count; i++) {
        float* data = read_weight(file, data_start, chosen[i]);
        if (data == NULL) {
            status = nnc_fail("cannot read weight '%s' (%lld elements) from '%s': the file is truncated or memory ran out",
                              d->weights[i].name, (long long) chosen[i]->elements, path);
        }
        owned[i] = data;
        ctx[d->weights[i].slot] = data;
    }
    free(chosen);
    free_header(&h);
    fclose(file);
    return status;
}
