/*
 * optim/optim.h -- fused optimizer updates: one pass over a parameter per step.
 *
 * The files of this folder, in reading order:
 *   optim.h     this file: the equations, and the table of kernels
 *   steps.h     the loops of SGD, Adam/AdamW, Adagrad, RMSprop and Adadelta
 *   kernels.h   steps.h compiled for float and double, into one table
 *   generic.c avx2.c avx512.c   kernels.h compiled once per instruction set (the square
 *               roots and divisions of Adam, Adagrad and RMSprop make the vector width
 *               matter)
 * The Cython wrappers are in engine/_optim.pxi; common/isa.h picks the table.
 *
 * The NumPy versions (engine/backend/reference/) make several passes over
 * every parameter (scale the buffer, add the gradient, square, sqrt, divide,
 * subtract ...), each one reading and writing whole arrays.  Here each element
 * is loaded once, updated with PyTorch's equations in PyTorch's order, and
 * stored once.
 *
 * Arrays are contiguous, n elements, all the same dtype.  w (the parameter)
 * and the state buffers are updated in place; g (the gradient) is only read.
 * Hyper-parameters arrive as doubles and are rounded to the array's type
 * before the loop, as NumPy does with a Python float and a float32 array.
 *
 * Plain C99, no Python headers.
 */
#ifndef ENGINE_OPTIM_H
#define ENGINE_OPTIM_H

#include <stddef.h>

/* One instruction set's optimizer kernels (kernels.h fills it in; common/isa.h hands out the
 * one in use). */
typedef struct eng_optim_table {
    /* SGD (PyTorch's rule):
     *     g' = g + weight_decay·w
     *     momentum > 0:  buf = g'                                 (first step)
     *                    buf = momentum·buf + (1 − dampening)·g'  (afterwards)
     *                    d = g' + momentum·buf  (nesterov)   else   d = buf
     *     momentum = 0:  d = g'                               (buf may be NULL)
     *     w = w − lr·d
     */
    void (*sgd_f32)(float *w, const float *g, float *buf, ptrdiff_t n,
        double lr, double momentum, double dampening, int nesterov,
        double weight_decay, int first_step);
    void (*sgd_f64)(double *w, const double *g, double *buf, ptrdiff_t n,
        double lr, double momentum, double dampening, int nesterov,
        double weight_decay, int first_step);

    /* Adam / AdamW (PyTorch's rule), t = step number from 1:
     *     decoupled (AdamW):  w = w·(1 − lr·weight_decay)
     *     else (Adam):        g' = g + weight_decay·w
     *     m = β₁·m + (1 − β₁)·g'
     *     v = β₂·v + (1 − β₂)·g'²
     *     amsgrad (vmax != NULL):  vmax = max(vmax, v), and vmax replaces v below
     *     w = w − (lr / bc1) · m / (√v / √bc2 + eps)
     * with the bias corrections bc1 = 1 − β₁ᵗ and bc2 = 1 − β₂ᵗ computed by the caller.
     */
    void (*adam_f32)(float *w, const float *g, float *m, float *v, float *vmax, ptrdiff_t n,
        double lr, double beta1, double beta2, double eps, double weight_decay,
        int decoupled, double bias_correction1, double bias_correction2);
    void (*adam_f64)(double *w, const double *g, double *m, double *v, double *vmax,
        ptrdiff_t n, double lr, double beta1, double beta2, double eps,
        double weight_decay, int decoupled, double bias_correction1,
        double bias_correction2);

    /* Adagrad (PyTorch's rule), with clr = lr / (1 + (t − 1)·lr_decay) computed by the caller:
     *     g' = g + weight_decay·w
     *     s = s + g'²                          (sum: the running sum of squared gradients)
     *     w = w − clr · g' / (√s + eps)
     */
    void (*adagrad_f32)(float *w, const float *g, float *sum, ptrdiff_t n, double clr,
        double eps, double weight_decay);
    void (*adagrad_f64)(double *w, const double *g, double *sum, ptrdiff_t n, double clr,
        double eps, double weight_decay);

    /* RMSprop (PyTorch's rule):
     *     g' = g + weight_decay·w
     *     v = α·v + (1 − α)·g'²                 (v: square_avg)
     *     centered (grad_avg != NULL):  a = α·a + (1 − α)·g',  d = √(v − a²) + eps
     *     else:                         d = √v + eps
     *     momentum > 0:  b = momentum·b + g' / d,  w = w − lr·b     (b: momentum_buffer)
     *     momentum = 0:  w = w − lr · g' / d          (momentum_buffer may be NULL)
     */
    void (*rmsprop_f32)(float *w, const float *g, float *square_avg, float *grad_avg,
        float *momentum_buffer, ptrdiff_t n, double lr, double alpha,
        double eps, double weight_decay, double momentum);
    void (*rmsprop_f64)(double *w, const double *g, double *square_avg, double *grad_avg,
        double *momentum_buffer, ptrdiff_t n, double lr, double alpha,
        double eps, double weight_decay, double momentum);

    /* Adadelta (PyTorch's rule):
     *     g' = g + weight_decay·w
     *     v = ρ·v + (1 − ρ)·g'²                 (v: square_avg)
     *     Δ = √(u + eps) / √(v + eps) · g'      (u: acc_delta, the running mean of Δ²)
     *     u = ρ·u + (1 − ρ)·Δ²
     *     w = w − lr·Δ
     */
    void (*adadelta_f32)(float *w, const float *g, float *square_avg, float *acc_delta,
        ptrdiff_t n, double lr, double rho, double eps, double weight_decay);
    void (*adadelta_f64)(double *w, const double *g, double *square_avg, double *acc_delta,
        ptrdiff_t n, double lr, double rho, double eps, double weight_decay);
} eng_optim_table;

#endif /* ENGINE_OPTIM_H */
