/*
 * optim.c -- fused optimizer updates (see optim.h for the equations).
 *
 * One portable source: these loops are bound by memory traffic (a few loads
 * and stores per element, a handful of flops), so the generic SSE2 build that
 * gcc auto-vectorises is already as fast as the memory; per-ISA versions would
 * gain little.  OpenMP splits big parameters over threads; small ones (most
 * biases) stay on one thread, where starting a team would cost more than the work.
 */
#include <math.h>
#include <stddef.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "cpu.h"
#include "optim.h"


/* Elements below which one thread does the whole update. */
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
