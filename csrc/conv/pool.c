/*
 * conv/pool.c -- max / average pooling, float32 and float64 (see pool.h).
 *
 * Portable C: memory-bound loops that gcc vectorises at -O3.  The 2x2 stride-2 max pooling
 * has a vector version too (pool_table.h); its portable kernels here are the generic table.
 */
#include "common/cpu.h"
#include "common/isa.h"
#include "common/spread.h"
#include "conv/pool.h"
#include "conv/pool_table.h"

/* Below this many input elements one thread is faster than waking more: the planes are then
 * pooled by a direct call, without a parallel region (common/spread.h). */
#define ENG_PAR_MIN_POOL 65536

ptrdiff_t eng_pool_count_bad_indices(const int32_t *idx, ptrdiff_t n, int32_t limit)
{
    ptrdiff_t bad = 0;
    for (ptrdiff_t i = 0; i < n; i++)          /* no early exit: vectorises */
        bad += (idx[i] < 0) | (idx[i] >= limit);
    return bad;
}

/* The part [lo, hi) inside [0, size) of a window of `kernel` elements from `start`
 * (padding lies outside). */
static inline void pool_span(ptrdiff_t start, ptrdiff_t kernel, ptrdiff_t size, ptrdiff_t *lo,
                             ptrdiff_t *hi)
{
    *lo = start < 0 ? 0 : start;
    *hi = start + kernel > size ? size : start + kernel;
}

/* Max pooling's comparison: u replaces the maximum v so far when it is larger, or when it is
 * NaN and v is not (NaN propagates, as in PyTorch; of several NaNs the first is kept).  One
 * rule for the 2x2 fast path and the general path, so both give the same answer. */
#define POOL_BEATS(u, v) ((u) > (v) || ((u) != (u) && (v) == (v)))

/* Below this many outputs per row, the backward's vector version (one 2x2 block per lane,
 * then a mask per corner) costs more than zeroing the small plane and scattering: LeNet's
 * second pool (5 outputs a row) runs the portable loop, its first (14) the vector one. */
#define POOL_BACKWARD_MIN_VECTOR_OW 8

extern const eng_pool_table eng_pool_generic;

#define ENG_TEMPLATE "conv/pool_body.h"
#include "common/template.h"

const eng_pool_table eng_pool_generic = ENG_POOL_TABLE;
