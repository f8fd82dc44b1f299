/*
 * activation/neon.c -- the activation kernels of aarch64's NEON (128-bit vectors: 4 floats,
 * 2 doubles).
 *
 * NEON is part of every aarch64 CPU, so there is no target to set and no run-time check.
 * The table is kernels.h's -- whose loops (and vmath.h's exp, expm1, log1p) the compiler
 * vectorises with NEON here, as avx2.c has them vectorised with AVX2 -- except for the
 * cheap elementwise kernels, written with NEON intrinsics in neon_body.h.  On any other
 * architecture the file compiles to nothing.
 */
#if defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>

#include "activation/kernels.h"

/* the intrinsics of neon_body.h, per type */
typedef float32x4_t vec_f32;
typedef float64x2_t vec_f64;
enum { lanes_f32 = 4, lanes_f64 = 2 };
#define dup_f32 vdupq_n_f32
#define dup_f64 vdupq_n_f64
#define load_f32 vld1q_f32
#define load_f64 vld1q_f64
#define store_f32 vst1q_f32
#define store_f64 vst1q_f64
#define mul_f32 vmulq_f32
#define mul_f64 vmulq_f64
#define sub_f32 vsubq_f32
#define sub_f64 vsubq_f64
#define fms_f32 vfmsq_f32                   /* fms(a, b, c) = a - b*c, rounded once */
#define fms_f64 vfmsq_f64
#define lt_f32 vcltq_f32                    /* lane masks of a compare */
#define lt_f64 vcltq_f64
#define gt_f32 vcgtq_f32
#define gt_f64 vcgtq_f64
#define eq_f32 vceqq_f32
#define eq_f64 vceqq_f64
#define select_f32 vbslq_f32                /* select(mask, a, b): a where mask, else b */
#define select_f64 vbslq_f64

#define ENG_TEMPLATE "activation/neon_body.h"
#include "common/template.h"

/* The table: kernels.h's, with the intrinsic versions in place of the loops they start
 * from (ENG_ACTIVATION_TABLE pastes these names together, then replaces them here). */
#define relu_forward_f32 neon_relu_forward_f32
#define relu_forward_f64 neon_relu_forward_f64
#define relu_backward_f32 neon_relu_backward_f32
#define relu_backward_f64 neon_relu_backward_f64
#define leaky_relu_forward_f32 neon_leaky_relu_forward_f32
#define leaky_relu_forward_f64 neon_leaky_relu_forward_f64
#define leaky_relu_backward_f32 neon_leaky_relu_backward_f32
#define leaky_relu_backward_f64 neon_leaky_relu_backward_f64
#define heaviside_forward_f32 neon_heaviside_forward_f32
#define heaviside_forward_f64 neon_heaviside_forward_f64
#define sigmoid_backward_f32 neon_sigmoid_backward_f32
#define sigmoid_backward_f64 neon_sigmoid_backward_f64
#define tanh_backward_f32 neon_tanh_backward_f32
#define tanh_backward_f64 neon_tanh_backward_f64

const eng_activation_table eng_activation_neon = ENG_ACTIVATION_TABLE;
#endif
