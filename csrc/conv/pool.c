/*
 * conv/pool.c -- max / average pooling, float32 and float64 (see pool.h).
 *
 * Portable C: memory-bound loops that gcc vectorises at -O3; no per-ISA builds.
 */
#include "common/cpu.h"
#include "conv/pool.h"

/* below this many input elements one thread is faster than waking more */
#define ENG_PAR_MIN_POOL 65536

ptrdiff_t eng_pool_count_bad_indices(const int32_t *idx, ptrdiff_t n, int32_t limit)
{
    ptrdiff_t bad = 0;
    for (ptrdiff_t i = 0; i < n; i++)          /* no early exit: vectorises */
        bad += (idx[i] < 0) | (idx[i] >= limit);
    return bad;
}

#define ENG_TEMPLATE "conv/pool_body.h"
#include "common/template.h"
