/*
 * gemm/kernel_neon.c -- the NEON micro-kernels of aarch64 (intrinsics).
 *
 * aarch64 has 32 vector registers of 128 bits (4 floats or 2 doubles).  float: an 8 x 12
 * tile of C in 24 registers (8 rows x 3 vectors of 4); double: 8 x 6 (3 vectors of 2).
 * Each step p of the k loop loads one row of the B micro-panel (3 vectors) and, for each
 * of the 8 values of A's column p, does 3 multiply-adds by that value (fmla by element):
 * 24 accumulators + 3 B vectors + A's values = at most 31 of the 32 registers.  The
 * contract is in kernels.h.
 *
 * NEON is part of every aarch64 CPU, so this file needs no target and common/isa.c no
 * run-time check; on any other architecture it compiles to nothing (setup.py does not
 * even pass it there).
 */
#if defined(__aarch64__) || defined(_M_ARM64)
#include <arm_neon.h>
#include <string.h>

#include "gemm/blocking.h"
#include "gemm/kernels.h"

/* The NEON shapes' blocks: KC x NR of B (12 KiB float, 12 KiB double) stays in a 64 KiB
 * L1; MC x KC of A (256 KiB / 192 KiB) in a 1 MiB L2 (Apple M1: 128 KiB L1, 12 MiB L2;
 * Neoverse N1: 64 KiB L1, 1 MiB L2).  MC and NC are multiples of MR and NR.
 *                            MR  NR   KC   MC    NC */
#define ENG_GEMM_NEON_F32   {  8, 12, 256, 256, 4092 }
#define ENG_GEMM_NEON_F64   {  8,  6, 256,  96, 2046 }

typedef float32x4_t vec_f32;
typedef float64x2_t vec_f64;
enum { lanes_f32 = 4, lanes_f64 = 2 };
#define vdup_f32 vdupq_n_f32
#define vdup_f64 vdupq_n_f64
#define load_f32 vld1q_f32
#define load_f64 vld1q_f64
#define store_f32 vst1q_f32
#define store_f64 vst1q_f64
#define mul_n_f32 vmulq_n_f32
#define mul_n_f64 vmulq_n_f64
#define fma_n_f32 vfmaq_n_f32
#define fma_n_f64 vfmaq_n_f64

#define MR 8            /* rows of the register block */
#define NV 3            /* vectors per row: NR = 3 * lanes */
#define ENG_TEMPLATE "gemm/ukr_neon.h"
#include "common/template.h"

/* The dot-product kernels (dot.h), 16-byte vectors: 4 floats / 2 doubles. */
#define ENG_DOT_VECTOR_BYTES 16
#define ENG_TEMPLATE "gemm/dot.h"
#include "common/template.h"

const eng_gemm_kernels eng_gemm_neon = {
    .vector_bytes = 16,
    /* one shape: A always packed, edges through the scratch tile */
    .f32 = { { .blocks = ENG_GEMM_NEON_F32, .ukr = ukr_f32 } },
    .f64 = { { .blocks = ENG_GEMM_NEON_F64, .ukr = ukr_f64 } },
    .dot_mr = 4, .dot_nr = 4,       /* 16 accumulators + 8 loaded vectors of the 32 */
    .dot_bytes = ENG_DOT_VECTOR_BYTES,
    .dot_f32 = dot_f32, .dot_f64 = dot_f64,
    .dot_finish_f32 = dot_finish_f32, .dot_finish_f64 = dot_finish_f64,
    /* no interleave: pack.h's value-by-value copy */
};
#endif
