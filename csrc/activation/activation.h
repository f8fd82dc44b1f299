/*
 * activation/activation.h -- the activation kernels: ReLU and friends, PReLU, softmax.
 *
 * The files of this folder, in reading order:
 *   activation.h    this file: the kernels' signatures and the table that holds them
 *   elementwise.h   the list of elementwise activations, then their loops (ReLU, leaky
 *                   ReLU, ELU, sigmoid, tanh, softplus, Heaviside, and vmath.h's exp,
 *                   expm1, log1p as test hooks)
 *   prelu.h         PReLU: a learned slope per channel
 *   softmax.h       softmax and log-softmax over one axis
 *   kernels.h       the three bodies compiled for float and double, into one table
 *   generic.c avx2.c avx512.c   kernels.h compiled once per instruction set
 *   spread.c        an elementwise kernel over a whole array: directly, or a share per thread
 * The Cython wrappers are in engine/_activation.pxi; common/isa.h picks the table.
 *
 * Calling convention: arrays are C-contiguous; an output may be the SAME array as an
 * input (forward y == x, backward gx == gy: in-place use).  Elementwise kernels take the
 * element count n and a parameter p (the slope, alpha or value at 0; ignored by the
 * activations without one):
 *     forward:   y = f(x; p)                   forward_f32[ENG_RELU](x, y, n, p)
 *     backward:  gx = gy * f'(a; p)            backward_f32[ENG_RELU](a, gy, gx, n, p)
 * where a is the forward's input x, or its output y for sigmoid and tanh (whose
 * derivatives are simplest in y).  prelu views x as (outer, channels, inner) with one
 * slope w[c] per channel; softmax and log_softmax view x as (outer, n, inner) and run over
 * the middle axis.
 *
 * How the loops are written so that the compiler vectorises them:
 *   - simple counted loops over contiguous arrays;
 *   - `cond ? a : b` on values that are both computed anyway: the compiler turns it into
 *     a vector compare + blend (masked move), no branches;
 *   - transcendental functions come from common/vmath.h (inlined, branch-free);
 *   - `#pragma omp simd` tells the compiler the iterations are independent.  This matters
 *     because an output may be the same array as an input, so we cannot promise "no
 *     aliasing" with `restrict`; but element i only ever reads element i, so SIMD is
 *     still correct;
 *   - a loop runs over the range it is given, on one thread: spread.c hands big arrays to
 *     eng_get_num_threads() threads, a share each (common/spread.h), and calls a small
 *     one's loop directly.  Without OpenMP the pragmas are ignored and the code is plain
 *     serial C.
 * Sums are accumulated in double, also for float data.
 *
 * Plain C99, no Python headers.
 */
#ifndef ENGINE_ACTIVATION_H
#define ENGINE_ACTIVATION_H

#include <stddef.h>

#include "activation/elementwise.h"     /* without REAL: only the list ENG_ELEMENTWISE */

/* ENG_RELU, ENG_LEAKY_RELU, ...: an elementwise activation's place in the table */
#define ENG_ELEMENTWISE_TAG(name, tag, backward, forward_cost, backward_cost) tag,
enum { ENG_ELEMENTWISE(ENG_ELEMENTWISE_TAG) ENG_ELEMENTWISE_COUNT };
#undef ENG_ELEMENTWISE_TAG

typedef void (*eng_map_f32)(const float *x, float *y, ptrdiff_t n, float p);
typedef void (*eng_map_f64)(const double *x, double *y, ptrdiff_t n, double p);
typedef void (*eng_grad_f32)(const float *a, const float *gy, float *gx, ptrdiff_t n, float p);
typedef void (*eng_grad_f64)(const double *a, const double *gy, double *gx, ptrdiff_t n,
                             double p);
/* softmax and log_softmax over the middle axis of (outer, n, inner); the backward reads the
 * forward's output y */
typedef void (*eng_rows_f32)(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n,
                             ptrdiff_t inner);
typedef void (*eng_rows_f64)(const double *x, double *y, ptrdiff_t outer, ptrdiff_t n,
                             ptrdiff_t inner);
typedef void (*eng_rows_grad_f32)(const float *y, const float *gy, float *gx, ptrdiff_t outer,
                                  ptrdiff_t n, ptrdiff_t inner);
typedef void (*eng_rows_grad_f64)(const double *y, const double *gy, double *gx,
                                  ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);

/* One instruction set's activation kernels (kernels.h fills it in; common/isa.h hands out
 * the one in use).  backward[] is NULL for Heaviside and the test hooks. */
typedef struct eng_activation_table {
    eng_map_f32 forward_f32[ENG_ELEMENTWISE_COUNT];
    eng_map_f64 forward_f64[ENG_ELEMENTWISE_COUNT];
    eng_grad_f32 backward_f32[ENG_ELEMENTWISE_COUNT];
    eng_grad_f64 backward_f64[ENG_ELEMENTWISE_COUNT];
    void (*prelu_forward_f32)(const float *x, const float *w, float *y,
                              ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
    void (*prelu_forward_f64)(const double *x, const double *w, double *y,
                              ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
    /* gw[c] is overwritten with sum over x <= 0 of gy * x, the same for any thread count */
    void (*prelu_backward_f32)(const float *x, const float *w, const float *gy, float *gx,
                               float *gw, ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
    void (*prelu_backward_f64)(const double *x, const double *w, const double *gy, double *gx,
                               double *gw, ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
    eng_rows_f32 softmax_forward_f32, log_softmax_forward_f32;
    eng_rows_f64 softmax_forward_f64, log_softmax_forward_f64;
    eng_rows_grad_f32 softmax_backward_f32, log_softmax_backward_f32;
    eng_rows_grad_f64 softmax_backward_f64, log_softmax_backward_f64;
} eng_activation_table;

/* Below these sizes an elementwise kernel, softmax or PReLU runs on one thread: starting a
 * team costs more than a small array takes. */
#define ENG_PAR_MIN_CHEAP (1 << 15)   /* relu-like, memory bound          */
#define ENG_PAR_MIN_EXP   (1 << 12)   /* one exp/log per element          */

/* The elementwise activations as the wrappers call them (spread.c): the loop of the
 * instruction set in use (the table above), over the whole array, on as many threads as
 * its size is worth (common/spread.h).  backward is only for tags with a backward kernel. */
void eng_activation_forward_f32(int tag, const float *x, float *y, ptrdiff_t n, float p);
void eng_activation_forward_f64(int tag, const double *x, double *y, ptrdiff_t n, double p);
void eng_activation_backward_f32(int tag, const float *a, const float *gy, float *gx,
                                 ptrdiff_t n, float p);
void eng_activation_backward_f64(int tag, const double *a, const double *gy, double *gx,
                                 ptrdiff_t n, double p);

#endif /* ENGINE_ACTIVATION_H */
