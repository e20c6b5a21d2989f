/*
 * classify: runs the Fashion-MNIST classifier compiled by nnc (examples/mnist_cnn.nn, built
 * into libmnist_cnn.so with its header mnist_cnn.h) on images from a NumPy .npy file and
 * prints the predicted class of each.
 *
 *   classify WEIGHTS.safetensors IMAGES.npy [CLASSES.txt] [--scores]
 *
 * IMAGES.npy holds float32 images in C order, shaped [N, 1, 28, 28] (any shape whose items
 * have 784 values); CLASSES.txt names the classes, one per line; --scores also prints every
 * class's probability. See README.md for building it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mnist_cnn.h"

#define MAX_CLASSES 1000

/* Prints a message and returns 1, for `return fail(...)` from main. */
static int fail(const char* what, const char* detail) {
    fprintf(stderr, "classify: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    return 1;
}

/*
 * Reads a little-endian float32 .npy file in C order (format versions 1 to 3): its values and
 * shape. Returns the values (malloc'd), or NULL with *error set.
 */
static float* read_npy(const char* path, int64_t* shape, int* rank, int64_t* count, const char** error) {
    FILE* f = fopen(path, "rb");
    if (f == NULL) {
        *error = "cannot open the images file";
        return NULL;
    }
    unsigned char magic[12];
    float* data = NULL;
    char* header = NULL;
    *error = "not a NumPy .npy file";
    if (fread(magic, 1, 10, f) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0 || magic[6] < 1 || magic[6] > 3) goto done;
    size_t length = magic[8] | (size_t) magic[9] << 8;
    if (magic[6] > 1) {
        if (fread(magic + 10, 1, 2, f) != 2) goto done;
        length |= (size_t) magic[10] << 16 | (size_t) magic[11] << 24;
    }
    header = malloc(length + 1);
    if (header == NULL || fread(header, 1, length, f) != length) goto done;
    header[length] = '\0';
    *error = "the images must be little-endian float32 ('<f4') in C order";
    if (strstr(header, "'descr': '<f4'") == NULL || strstr(header, "'fortran_order': False") == NULL) goto done;
    const char* s = strstr(header, "'shape': (");
    *error = "the .npy header has no shape";
    if (s == NULL) goto done;
    s += strlen("'shape': (");
    *rank = 0;
    *count = 1;
    while (*s != ')' && *rank < 8) {
        char* end;
        long long d = strtoll(s, &end, 10);
        if (end == s || d < 0) goto done;
        shape[(*rank)++] = d;
        *count *= d;
        s = end;
        while (*s == ',' || *s == ' ') s++;
    }
    *error = "the images file is shorter than its shape says";
    data = malloc((size_t) (*count > 0 ? *count : 1) * sizeof(float));
    if (data == NULL || fread(data, sizeof(float), (size_t) *count, f) != (size_t) *count) {
        free(data);
        data = NULL;
    } else {
        *error = NULL;
    }
done:
    free(header);
    fclose(f);
    return data;
}

/* Reads up to MAX_CLASSES class names, one per line; returns how many. */
static int read_classes(const char* path, char names[][64]) {
    FILE* f = fopen(path, "r");
    if (f == NULL) return -1;
    int n = 0;
    while (n < MAX_CLASSES && fgets(names[n], 64, f) != NULL) {
        names[n][strcspn(names[n], "\r\n")] = '\0';
        n++;
    }
    fclose(f);
    return n;
}

int main(int argc, char** argv) {
    const char* paths[3] = {NULL, NULL, NULL};
    int scores = 0, given = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--scores") == 0) {
            scores = 1;
        } else if (given < 3) {
            paths[given++] = argv[i];
        }
    }
    if (given < 2) {
        fprintf(stderr, "usage: classify WEIGHTS.safetensors IMAGES.npy [CLASSES.txt] [--scores]\n");
        return 2;
    }

    static char names[MAX_CLASSES][64];
    int class_count = paths[2] ? read_classes(paths[2], names) : 0;
    if (class_count < 0) return fail("cannot read the classes file", paths[2]);

    int64_t shape[8], count;
    int rank;
    const char* error;
    float* images = read_npy(paths[1], shape, &rank, &count, &error);
    if (images == NULL) return fail(error, paths[1]);
    int64_t per_image = MNIST_CNN_IN_IMAGE_ELEMENTS(1);
    if (rank < 1 || shape[0] < 1 || count != shape[0] * per_image) {
        free(images);
        return fail("the images must be shaped [N, ...] with 784 values per image", paths[1]);
    }
    int64_t batch = shape[0], per_output = MNIST_CNN_OUT_OUTPUT_ELEMENTS(1);
    float* probabilities = malloc((size_t) (batch * per_output) * sizeof(float));

    mnist_cnn_model* model = mnist_cnn_create(paths[0]);
    if (model == NULL) {
        free(images);
        free(probabilities);
        return fail("cannot load the model", mnist_cnn_last_error());
    }
    int status = mnist_cnn_predict(model, batch, images, count, probabilities, batch * per_output);
    if (status != 0) {
        fail("the model failed", mnist_cnn_last_error());
    } else {
        for (int64_t i = 0; i < batch; i++) {
            const float* p = probabilities + i * per_output;
            int best = 0;
            for (int c = 1; c < per_output; c++) {
                if (p[c] > p[best]) best = c;
            }
            printf("image %lld: class %d", (long long) i, best);
            if (best < class_count) printf(" (%s)", names[best]);
            printf(", probability %.4f\n", p[best]);
            if (scores) {
                printf("  scores:");
                for (int c = 0; c < per_output; c++) printf(" %.9g", p[c]);
                printf("\n");
            }
        }
    }
    mnist_cnn_destroy(model);
    free(images);
    free(probabilities);
    return status == 0 ? 0 : 1;
}
