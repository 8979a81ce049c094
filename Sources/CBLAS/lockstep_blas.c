/* Lockstep: thin wrappers over OpenBLAS (hand-written). */
#include "include/lockstep_blas.h"

void openblas_set_num_threads(int num_threads);

void lockstep_blas_set_threads(int threads) { openblas_set_num_threads(threads > 0 ? threads : 1); }
