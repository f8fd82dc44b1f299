/*
 * common/spread.c -- eng_spread (spread.h): a range of pieces, directly or one share per
 * thread.
 */
#include "common/cpu.h"
#include "common/spread.h"

#ifdef _OPENMP
#include <omp.h>
#endif

void eng_spread(ptrdiff_t n, ptrdiff_t grain, int parallel, eng_range_fn range, void *ctx)
{
    if (n <= 0)
        return;
    const int threads = parallel ? eng_get_num_threads() : 1;
    if (threads <= 1) {
        range(ctx, 0, n);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
#ifdef _OPENMP
        const ptrdiff_t team = omp_get_num_threads(), me = omp_get_thread_num();
#else
        const ptrdiff_t team = 1, me = 0;
#endif
        const ptrdiff_t g = grain > 0 ? grain : 1;
        const ptrdiff_t share = ((n + team - 1) / team + g - 1) / g * g;
        const ptrdiff_t lo = me * share < n ? me * share : n;
        const ptrdiff_t hi = n - lo > share ? lo + share : n;
        if (hi > lo)
            range(ctx, lo, hi);
    }
}
