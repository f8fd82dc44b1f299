# engine/_C.pxd -- Cython declarations of the C API in csrc/.
#
# These mirror csrc/cpu.h and csrc/activations.h one to one; engine/_C.pyx
# (the Python-visible wrappers) sees them automatically because this file
# has the same module name.  All functions may be called without the GIL.

from libc.stddef cimport ptrdiff_t


cdef extern from "cpu.h" nogil:
    enum:
        ENG_CPU_SSE2
        ENG_CPU_AVX
        ENG_CPU_AVX2
        ENG_CPU_FMA
        ENG_CPU_AVX512F
        ENG_CPU_AVX512DQ
        ENG_CPU_AVX512BW
        ENG_CPU_AVX512VL
        ENG_CPU_AVX512CD
    unsigned eng_cpu_feature_bits()
    int eng_cpu_has_avx2_fma()
    int eng_cpu_has_avx512()
    void eng_set_num_threads(int n)
    int eng_get_num_threads()
    int eng_openmp_enabled()


cdef extern from "activations.h" nogil:
    # ---- float32 ----
    void eng_relu_forward_f32(const float *x, float *y, ptrdiff_t n)
    void eng_relu_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n)
    void eng_leaky_relu_forward_f32(const float *x, float *y, ptrdiff_t n, float slope)
    void eng_leaky_relu_backward_f32(const float *x, const float *gy, float *gx,
                                     ptrdiff_t n, float slope)
    void eng_prelu_forward_f32(const float *x, const float *w, float *y, ptrdiff_t outer,
                               ptrdiff_t channels, ptrdiff_t inner)
    void eng_prelu_backward_f32(const float *x, const float *w, const float *gy, float *gx,
                                float *gw, ptrdiff_t outer, ptrdiff_t channels,
                                ptrdiff_t inner)
    void eng_elu_forward_f32(const float *x, float *y, ptrdiff_t n, float alpha)
    void eng_elu_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n, float alpha)
    void eng_sigmoid_forward_f32(const float *x, float *y, ptrdiff_t n)
    void eng_sigmoid_backward_f32(const float *y, const float *gy, float *gx, ptrdiff_t n)
    void eng_tanh_forward_f32(const float *x, float *y, ptrdiff_t n)
    void eng_tanh_backward_f32(const float *y, const float *gy, float *gx, ptrdiff_t n)
    void eng_softplus_forward_f32(const float *x, float *y, ptrdiff_t n)
    void eng_softplus_backward_f32(const float *x, const float *gy, float *gx, ptrdiff_t n)
    void eng_heaviside_forward_f32(const float *x, float *y, ptrdiff_t n, float value_at_zero)
    void eng_softmax_forward_f32(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n,
                                 ptrdiff_t inner)
    void eng_softmax_backward_f32(const float *y, const float *gy, float *gx,
                                  ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
    void eng_log_softmax_forward_f32(const float *x, float *y, ptrdiff_t outer, ptrdiff_t n,
                                     ptrdiff_t inner)
    void eng_log_softmax_backward_f32(const float *y, const float *gy, float *gx,
                                      ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
    void eng_vexp_f32(const float *x, float *y, ptrdiff_t n)
    void eng_vexpm1_f32(const float *x, float *y, ptrdiff_t n)
    void eng_vlog1p_f32(const float *x, float *y, ptrdiff_t n)

    # ---- float64 ----
    void eng_relu_forward_f64(const double *x, double *y, ptrdiff_t n)
    void eng_relu_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n)
    void eng_leaky_relu_forward_f64(const double *x, double *y, ptrdiff_t n, double slope)
    void eng_leaky_relu_backward_f64(const double *x, const double *gy, double *gx,
                                     ptrdiff_t n, double slope)
    void eng_prelu_forward_f64(const double *x, const double *w, double *y, ptrdiff_t outer,
                               ptrdiff_t channels, ptrdiff_t inner)
    void eng_prelu_backward_f64(const double *x, const double *w, const double *gy,
                                double *gx, double *gw, ptrdiff_t outer, ptrdiff_t channels,
                                ptrdiff_t inner)
    void eng_elu_forward_f64(const double *x, double *y, ptrdiff_t n, double alpha)
    void eng_elu_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n,
                              double alpha)
    void eng_sigmoid_forward_f64(const double *x, double *y, ptrdiff_t n)
    void eng_sigmoid_backward_f64(const double *y, const double *gy, double *gx, ptrdiff_t n)
    void eng_tanh_forward_f64(const double *x, double *y, ptrdiff_t n)
    void eng_tanh_backward_f64(const double *y, const double *gy, double *gx, ptrdiff_t n)
    void eng_softplus_forward_f64(const double *x, double *y, ptrdiff_t n)
    void eng_softplus_backward_f64(const double *x, const double *gy, double *gx, ptrdiff_t n)
    void eng_heaviside_forward_f64(const double *x, double *y, ptrdiff_t n, double value_at_zero)
    void eng_softmax_forward_f64(const double *x, double *y, ptrdiff_t outer, ptrdiff_t n,
                                 ptrdiff_t inner)
    void eng_softmax_backward_f64(const double *y, const double *gy, double *gx,
                                  ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
    void eng_log_softmax_forward_f64(const double *x, double *y, ptrdiff_t outer,
                                     ptrdiff_t n, ptrdiff_t inner)
    void eng_log_softmax_backward_f64(const double *y, const double *gy, double *gx,
                                      ptrdiff_t outer, ptrdiff_t n, ptrdiff_t inner)
    void eng_vexp_f64(const double *x, double *y, ptrdiff_t n)
    void eng_vexpm1_f64(const double *x, double *y, ptrdiff_t n)
    void eng_vlog1p_f64(const double *x, double *y, ptrdiff_t n)

    # ---- instruction-set selection ----
    const char *eng_activations_isa()
    int eng_activations_set_isa(const char *name)
    int eng_activations_isa_available(const char *name)
