/*
 * optim_kernels.h -- the optimizer kernels for one instruction set: included by
 * optim_generic.c / optim_avx2.c / optim_avx512.c after their `#pragma GCC target`.
 * Defines OPTIM_TABLE_ENTRIES for the file's eng_optim_table.
 */
#include <math.h>
#include <stddef.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cpu.h"
#include "optim_table.h"

/* Elements below which one thread does the whole update (starting a team would cost
 * more than the work: most biases and small layers). */
#define ENG_OPTIM_PARALLEL_MIN 32768

/* This thread's share [lo, hi) of n elements: equal chunks, cut at multiples of 16 elements
 * so no two threads write the same cache line. */
static void optim_chunk(ptrdiff_t n, ptrdiff_t *lo, ptrdiff_t *hi)
{
#ifdef _OPENMP
    ptrdiff_t k = omp_get_num_threads(), t = omp_get_thread_num();
    ptrdiff_t per = ((n + k - 1) / k + 15) / 16 * 16;
    *lo = t * per < n ? t * per : n;
    *hi = *lo + per < n ? *lo + per : n;
#else
    *lo = 0;
    *hi = n;
#endif
}

#define T float
#define SFX f32
#define SQRT sqrtf
#include "optim_body.h"
#undef T
#undef SFX
#undef SQRT

#define T double
#define SFX f64
#define SQRT sqrt
#include "optim_body.h"
#undef T
#undef SFX
#undef SQRT

#define OPTIM_TABLE_ENTRIES sgd_step_f32, sgd_step_f64, adam_step_f32, adam_step_f64, \
                            adagrad_step_f32, adagrad_step_f64, rmsprop_step_f32, \
                            rmsprop_step_f64
