/*
 * The C library and POSIX threads functions the nnc runtime calls, declared here instead of
 * taken from system headers: nnc compiles the runtime with its bundled clang for any target
 * (an AArch64 library on an x86_64 machine), where no headers of the target's C library
 * exist. The prototypes are POSIX's, for LP64 Linux; the dynamic loader resolves them when
 * the library is loaded.
 */
#ifndef NNC_LIBC_H
#define NNC_LIBC_H

typedef __INT64_TYPE__ int64_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __SIZE_TYPE__ size_t;
typedef __builtin_va_list va_list;

#define NULL ((void*) 0)
#define va_start(args, last) __builtin_va_start(args, last)
#define va_end(args) __builtin_va_end(args)

void* malloc(size_t size);
void* realloc(void* p, size_t size);
void free(void* p);
int posix_memalign(void** out, size_t alignment, size_t size);
void* memcpy(void* to, const void* from, size_t n);
void* memset(void* to, int value, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
char* getenv(const char* name);
char* strerror(int error);
int* __errno_location(void); /* errno, as glibc and musl define it */
int vsnprintf(char* out, size_t size, const char* format, va_list args);

typedef struct FILE FILE;
FILE* fopen(const char* path, const char* mode);
size_t fread(void* to, size_t size, size_t count, FILE* file);
int fseeko(FILE* file, int64_t offset, int whence); /* off_t is 64 bits on LP64 */
int64_t ftello(FILE* file);
int fclose(FILE* file);
#define SEEK_SET 0
#define SEEK_END 2

long sysconf(int name);
#define NNC_SC_NPROCESSORS_ONLN 84 /* the same in glibc and musl, on every architecture */
int sched_getaffinity(int pid, size_t mask_bytes, void* mask);
int sched_yield(void);

/* pthread_t is an unsigned long (glibc) or a pointer (musl): 8 bytes either way. */
typedef unsigned long pthread_t;
/*
 * Room for a pthread_mutex_t or pthread_cond_t, whose layouts the runtime never reads: glibc
 * needs 40 or 48 bytes for them on x86_64 and AArch64, musl at most 48.
 */
typedef union {
    char bytes[64];
    long long align;
} nnc_pthread_object;
int pthread_create(pthread_t* thread, const void* attributes, void* (*start)(void*), void* argument);
int pthread_join(pthread_t thread, void** result);
int pthread_mutex_init(nnc_pthread_object* mutex, const void* attributes);
int pthread_mutex_lock(nnc_pthread_object* mutex);
int pthread_mutex_unlock(nnc_pthread_object* mutex);
int pthread_mutex_destroy(nnc_pthread_object* mutex);
int pthread_cond_init(nnc_pthread_object* cond, const void* attributes);
int pthread_cond_wait(nnc_pthread_object* cond, nnc_pthread_object* mutex);
int pthread_cond_broadcast(nnc_pthread_object* cond);
int pthread_cond_destroy(nnc_pthread_object* cond);

#endif
