/* Lockstep: OpenBLAS loaded on first use (see include/lockstep_blas.h). Hand-written. */
#define _GNU_SOURCE
#include "include/lockstep_blas.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int);
typedef void (*threads_fn)(int);
typedef char *(*corename_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm;
static dgemm_fn dgemm;
static threads_fn set_threads;
static corename_fn corename;
static char error_text[512];
static volatile int load_started;

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };  /* CBLAS enum values */

static void load(void) {
    load_started = 1;
#if defined(__x86_64__) || defined(__i386__)
    if (getenv("OPENBLAS_CORETYPE") == NULL) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f")) setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) setenv("OPENBLAS_CORETYPE", "Haswell", 0);
    }
#endif
    const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", NULL};
    void *handle = NULL;
    for (int i = 0; names[i] && !handle; i++) handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(error_text, sizeof error_text, "cannot load OpenBLAS (install libopenblas-dev): %s", dlerror());
        return;
    }
    sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    dgemm = (dgemm_fn)dlsym(handle, "cblas_dgemm");
    set_threads = (threads_fn)dlsym(handle, "openblas_set_num_threads");
    corename = (corename_fn)dlsym(handle, "openblas_get_corename");
    if (!sgemm || !dgemm) snprintf(error_text, sizeof error_text, "OpenBLAS lacks cblas_sgemm/cblas_dgemm");
}

int lockstep_sgemm(int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                   const float *b, int ldb, float beta, float *c, int ldc) {
    pthread_once(&once, load);
    if (!sgemm) return -1;
    sgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return 0;
}

int lockstep_dgemm(int trans_a, int trans_b, int m, int n, int k, double alpha, const double *a, int lda,
                   const double *b, int ldb, double beta, double *c, int ldc) {
    pthread_once(&once, load);
    if (!dgemm) return -1;
    dgemm(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return 0;
}

void lockstep_blas_set_threads(int threads) {
    /* Before OpenBLAS is loaded, ask for the thread count through its environment variable too
       (unless the user set it): OpenBLAS starts its worker pool at load, one thread per core, and
       an idle worker spins in sched_yield between calls, taking a core from single-threaded runs. */
    if (!load_started && getenv("OPENBLAS_NUM_THREADS") == NULL) {
        char text[16];
        snprintf(text, sizeof text, "%d", threads > 0 ? threads : 1);
        setenv("OPENBLAS_NUM_THREADS", text, 0);
    }
    pthread_once(&once, load);
    if (set_threads) set_threads(threads > 0 ? threads : 1);
}

const char *lockstep_blas_core_name(void) {
    pthread_once(&once, load);
    return corename ? corename() : NULL;
}

const char *lockstep_blas_error(void) {
    pthread_once(&once, load);
    return error_text[0] ? error_text : NULL;
}
