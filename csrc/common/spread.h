/*
 * common/spread.h -- one loop over [0, n), shared among the threads when it is worth it.
 *
 * Kernels whose work is a range of independent pieces (the elements of an activation,
 * the entries of an optimizer step, the rows of a softmax) write that work as a function
 * of a range, range(ctx, lo, hi), and hand it to eng_spread:
 *
 *   - for a small array (parallel false) or a single thread it calls range(ctx, 0, n)
 *     directly.  A parallel region whose `if` clause is false still costs ~0.3 us in GNU
 *     OpenMP (it builds a team of one), as much as ReLU on a few thousand floats, and
 *     teaching-sized tensors are small;
 *   - otherwise it starts eng_get_num_threads() threads, each calling range once on its
 *     own contiguous share, a multiple of `grain` pieces long (16 elements keep two
 *     threads off one cache line of float32 output).
 *
 * Each piece is computed by one thread whatever the split, so the results do not depend
 * on the thread count.
 */
#ifndef ENGINE_SPREAD_H
#define ENGINE_SPREAD_H

#include <stddef.h>

typedef void (*eng_range_fn)(void *ctx, ptrdiff_t lo, ptrdiff_t hi);

void eng_spread(ptrdiff_t n, ptrdiff_t grain, int parallel, eng_range_fn range, void *ctx);

#endif /* ENGINE_SPREAD_H */
