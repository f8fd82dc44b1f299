/*
 * activations_table.h -- internal: the table of kernel function pointers.
 *
 * Each instruction-set file (activations_generic.c, activations_avx2.c,
 * activations_avx512.c) compiles the same kernel source for its own ISA and
 * exports one eng_act_table.  activations.c picks one table at run time and
 * forwards every public call through it.
 */
#ifndef ENGINE_ACTIVATIONS_TABLE_H
#define ENGINE_ACTIVATIONS_TABLE_H

#include <stddef.h>

typedef struct eng_act_kernels_f32 {
    void (*relu_forward)(const float *x, float *y, ptrdiff_t n);
    void (*relu_backward)(const float *x, const float *gy, float *gx, ptrdiff_t n);
    void (*leaky_relu_forward)(const float *x, float *y, ptrdiff_t n, float slope);
    void (*leaky_relu_backward)(const float *x, const float *gy, float *gx, ptrdiff_t n, float slope);
    void (*prelu_forward)(const float *x, const float *w, float *y,
                          ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
    void (*prelu_backward)(const float *x, const float *w, const float *gy, float *gx, float *gw,
                           ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
    void (*elu_forward)(const float *x, float *y, ptrdiff_t n, float alpha);
    void (*elu_backward)(const float *x, const float *gy, float *gx, ptrdiff_t n, float alpha);
    void (*sigmoid_forward)(const float *x, float *y, ptrdiff_t n);
    void (*sigmoid_backward)(const float *y, const float *gy, float *gx, ptrdiff_t n);
    void (*tanh_forward)(const float *x, float *y, ptrdiff_t n);
    void (*tanh_backward)(const float *y, const float *gy, float *gx, ptrdiff_t n);
    void (*softplus_forward)(const float *x, float *y, ptrdiff_t n);
    void (*softplus_backward)(const float *x, const float *gy, float *gx, ptrdiff_t n);
    void (*heaviside_forward)(const float *x, float *y, ptrdiff_t n, float value_at_zero);
    void (*softmax_forward)(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
    void (*softmax_backward)(const float *y, const float *gy, float *gx,
                             ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
    void (*log_softmax_forward)(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
    void (*log_softmax_backward)(const float *y, const float *gy, float *gx,
                                 ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
    void (*vexp)(const float *x, float *y, ptrdiff_t n);
    void (*vexpm1)(const float *x, float *y, ptrdiff_t n);
    void (*vlog1p)(const float *x, float *y, ptrdiff_t n);
} eng_act_kernels_f32;

typedef struct eng_act_kernels_f64 {
    void (*relu_forward)(const double *x, double *y, ptrdiff_t n);
    void (*relu_backward)(const double *x, const double *gy, double *gx, ptrdiff_t n);
    void (*leaky_relu_forward)(const double *x, double *y, ptrdiff_t n, double slope);
    void (*leaky_relu_backward)(const double *x, const double *gy, double *gx, ptrdiff_t n, double slope);
    void (*prelu_forward)(const double *x, const double *w, double *y,
                          ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
    void (*prelu_backward)(const double *x, const double *w, const double *gy, double *gx, double *gw,
                           ptrdiff_t outer, ptrdiff_t channels, ptrdiff_t inner);
    void (*elu_forward)(const double *x, double *y, ptrdiff_t n, double alpha);
    void (*elu_backward)(const double *x, const double *gy, double *gx, ptrdiff_t n, double alpha);
    void (*sigmoid_forward)(const double *x, double *y, ptrdiff_t n);
    void (*sigmoid_backward)(const double *y, const double *gy, double *gx, ptrdiff_t n);
    void (*tanh_forward)(const double *x, double *y, ptrdiff_t n);
    void (*tanh_backward)(const double *y, const double *gy, double *gx, ptrdiff_t n);
    void (*softplus_forward)(const double *x, double *y, ptrdiff_t n);
    void (*softplus_backward)(const double *x, const double *gy, double *gx, ptrdiff_t n);
    void (*heaviside_forward)(const double *x, double *y, ptrdiff_t n, double value_at_zero);
    void (*softmax_forward)(const double *x, double *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
    void (*softmax_backward)(const double *y, const double *gy, double *gx,
                             ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
    void (*log_softmax_forward)(const double *x, double *y, ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
    void (*log_softmax_backward)(const double *y, const double *gy, double *gx,
                                 ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner);
    void (*vexp)(const double *x, double *y, ptrdiff_t n);
    void (*vexpm1)(const double *x, double *y, ptrdiff_t n);
    void (*vlog1p)(const double *x, double *y, ptrdiff_t n);
} eng_act_kernels_f64;

typedef struct eng_act_table {
    const char *name;                 /* "generic", "avx2", "avx512"         */
    int compiled;                     /* 0: this build has no code for it    */
    const eng_act_kernels_f32 *f32;
    const eng_act_kernels_f64 *f64;
} eng_act_table;

extern const eng_act_table eng_act_table_generic;
extern const eng_act_table eng_act_table_avx2;
extern const eng_act_table eng_act_table_avx512;

#endif /* ENGINE_ACTIVATIONS_TABLE_H */
