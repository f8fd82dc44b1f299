/*
 * activations.h -- public C API of the activation kernels.
 *
 * Every function exists for float (_f32) and double (_f64).  All arrays are
 * C-contiguous.  Outputs may be the SAME array as an input (in-place use):
 * forward  y == x   is allowed, backward  gx == gy  is allowed.
 * Each call forwards to the kernel table for the selected instruction set
 * (AVX-512, AVX2 or generic), chosen from the CPU at first use; see
 * eng_activations_isa() / eng_activations_set_isa().
 *
 * Shapes: elementwise functions take the element count n.
 *   prelu:   x is viewed as (outer, channels, inner), w has `channels` items.
 *   softmax / log_softmax: x is viewed as (outer, n, inner); the softmax
 *            runs over the middle axis of length n.
 *
 * Plain C99, no Python headers.
 */
#ifndef ENGINE_ACTIVATIONS_H
#define ENGINE_ACTIVATIONS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- float32 ----------------------------------------------------------- */
void eng_relu_forward_f32(const float *x, float *y, ptrdiff_t n);
void eng_relu_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n);
void eng_leaky_relu_forward_f32(const float *x, float *y, ptrdiff_t n, float slope);
void eng_leaky_relu_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n, float slope);
void eng_prelu_forward_f32(const float *x, const float *w, float *y,
                           ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
void eng_prelu_backward_f32(const float *x, const float *w, const float *gy, float *gx, float *gw,
                            ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
void eng_elu_forward_f32(const float *x, float *y, ptrdiff_t n, float alpha);
void eng_elu_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n, float alpha);
void eng_sigmoid_forward_f32(const float *x, float *y, ptrdiff_t n);
void eng_sigmoid_backward_f32(const float *y, const float *gy, float *gx, ptrdiff_t n);
void eng_tanh_forward_f32(const float *x, float *y, ptrdiff_t n);
void eng_tanh_backward_f32(const float *y, const float *gy, float *gx, ptrdiff_t n);
void eng_softplus_forward_f32(const float *x, float *y, ptrdiff_t n);
void eng_softplus_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n);
void eng_heaviside_forward_f32(const float *x, float *y, ptrdiff_t n, float value_at_zero);
void eng_softmax_forward_f32(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
void eng_softmax_backward_f32(const float *y, const float *gy, float *gx,
                              ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
void eng_log_softmax_forward_f32(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
void eng_log_softmax_backward_f32(const float *y, const float *gy, float *gx,
                                  ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
/* elementwise vectorised math from vmath.h (y may equal x); also test hooks */
void eng_vexp_f32(const float *x, float *y, ptrdiff_t n);
void eng_vexpm1_f32(const float *x, float *y, ptrdiff_t n);
void eng_vlog1p_f32(const float *x, float *y, ptrdiff_t n);

/* ---- float64 ----------------------------------------------------------- */
void eng_relu_forward_f64(const double *x, double *y, ptrdiff_t n);
void eng_relu_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n);
void eng_leaky_relu_forward_f64(const double *x, double *y, ptrdiff_t n, double slope);
void eng_leaky_relu_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n, double slope);
void eng_prelu_forward_f64(const double *x, const double *w, double *y,
                           ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
void eng_prelu_backward_f64(const double *x, const double *w, const double *gy, double *gx, double *gw,
                            ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
void eng_elu_forward_f64(const double *x, double *y, ptrdiff_t n, double alpha);
void eng_elu_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n, double alpha);
void eng_sigmoid_forward_f64(const double *x, double *y, ptrdiff_t n);
void eng_sigmoid_backward_f64(const double *y, const double *gy, double *gx, ptrdiff_t n);
void eng_tanh_forward_f64(const double *x, double *y, ptrdiff_t n);
void eng_tanh_backward_f64(const double *y, const double *gy, double *gx, ptrdiff_t n);
void eng_softplus_forward_f64(const double *x, double *y, ptrdiff_t n);
void eng_softplus_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n);
void eng_heaviside_forward_f64(const double *x, double *y, ptrdiff_t n, double value_at_zero);
void eng_softmax_forward_f64(const double *x, double *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
void eng_softmax_backward_f64(const double *y, const double *gy, double *gx,
                              ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
void eng_log_softmax_forward_f64(const double *x, double *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
void eng_log_softmax_backward_f64(const double *y, const double *gy, double *gx,
                                  ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
void eng_vexp_f64(const double *x, double *y, ptrdiff_t n);
void eng_vexpm1_f64(const double *x, double *y, ptrdiff_t n);
void eng_vlog1p_f64(const double *x, double *y, ptrdiff_t n);

/* ---- instruction-set selection ------------------------------------------ */
/* "avx512", "avx2" or "generic": the kernel set currently in use. */
const char *eng_activations_isa(void);
/* Select a kernel set by name.  0 = ok, -1 = unknown name,
 * -2 = this CPU (or this build) cannot run it. */
int eng_activations_set_isa(const char *name);
/* 1 if eng_activations_set_isa(name) would succeed, else 0. */
int eng_activations_isa_available(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* ENGINE_ACTIVATIONS_H */
