/*
 * gemm/kernel_avx512.c -- the AVX-512F micro-kernels (intrinsics).
 *
 * The main shape.  float: a 14 x 32 tile of C in 28 zmm registers (14 rows x 2 vectors of 16
 * floats).  Each step p of the k loop
 *     loads  b0 = B[p, 0:16], b1 = B[p, 16:32]           (2 vector loads)
 *     for each row i: a = broadcast A[i, p]              (folded into the FMA)
 *                     c[i][0] += a * b0;  c[i][1] += a * b1
 * i.e. 28 FMAs (896 flops) for 2 loads + 14 broadcasts.  double: the same
 * with 14 x 16 (8 doubles per zmm).  The contract is in kernels.h.
 *
 * Three narrower-in-m shapes (6 x 64, 6 x 48, 8 x 48) serve products with few rows;
 * all are instances of one template (ukr_simd.h), each also as a "direct A" kernel that
 * broadcasts A's values from A itself instead of a packed micro-panel (gemm.c).
 *
 * Compiled with AVX-512F (+FMA) for this file only; common/isa.c selects it only
 * when the CPU reports AVX-512.
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX512
#include <string.h>

#define ENG_SIMD_AVX512
#include "common/simd.h"

#include "gemm/blocking.h"
#include "gemm/kernels.h"

#define ENG_UKR_INLINE static inline __attribute__((always_inline))
#define ENG_TEMPLATE "gemm/ukr_simd.h"
#include "common/template.h"
#include "gemm/ukr_shapes.h"

/* The shapes (blocking.h has their cache blocks):
 *   14 x 32 (f32) / 14 x 16 (f64): the main one, 28 accumulators;
 *    6 x 64       /  6 x 32      : m <= 6 (LeNet conv1's 6 channels), 24;
 *    6 x 48       /  6 x 24      : n = 96, 144 ... (multiples of 48), 18 -- fewer than
 *                                  the others, but its 6 rows of A can be read in place;
 *    8 x 48       /  8 x 24      : m = 16, 64, 128 ... (multiples of 8), 24.
 * Each shape comes in three kernels: the packed one, the direct-A one, and the edge one
 * (ukr_edge: a tile cut by C's last rows or columns, stored in place with masks). */
ENG_GEMM_SHAPE(float, _f32, ukr_f32, 14, 2)
ENG_GEMM_SHAPE(float, _f32, ukr_f32_6x64, 6, 4)
ENG_GEMM_SHAPE(float, _f32, ukr_f32_6x48, 6, 3)
ENG_GEMM_SHAPE(float, _f32, ukr_f32_8x48, 8, 3)
ENG_GEMM_SHAPE(double, _f64, ukr_f64, 14, 2)
ENG_GEMM_SHAPE(double, _f64, ukr_f64_6x32, 6, 4)
ENG_GEMM_SHAPE(double, _f64, ukr_f64_6x24, 6, 3)
ENG_GEMM_SHAPE(double, _f64, ukr_f64_8x24, 8, 3)


/* The dot-product kernels (dot.h), 64-byte vectors: 16 floats / 8 doubles. */
#define ENG_DOT_VECTOR_BYTES 64
#define ENG_TEMPLATE "gemm/dot.h"
#include "common/template.h"
#include "gemm/interleave.h"

/* The last few columns as dot products (ragged.h), with 16 accumulators. */
#define RAGGED_ACCS 16
#define ENG_TEMPLATE "gemm/ragged.h"
#include "common/template.h"
ENG_TARGET_END

const eng_gemm_kernels eng_gemm_avx512 = {
    .vector_bytes = 64,
    .f32 = { ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX512_F32, ukr_f32),
             ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX512_F32_6x64, ukr_f32_6x64),
             ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX512_F32_6x48, ukr_f32_6x48),
             ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX512_F32_8x48, ukr_f32_8x48) },
    .f64 = { ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX512_F64, ukr_f64),
             ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX512_F64_6x32, ukr_f64_6x32),
             ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX512_F64_6x24, ukr_f64_6x24),
             ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX512_F64_8x24, ukr_f64_8x24) },
    .dot_mr = 4, .dot_nr = 4,       /* 16 accumulators + 8 loaded vectors of the 32 zmm */
    .dot_bytes = ENG_DOT_VECTOR_BYTES,
    .dot_f32 = dot_f32, .dot_f64 = dot_f64,
    .dot_finish_f32 = dot_finish_f32, .dot_finish_f64 = dot_finish_f64,
    .interleave_f32 = interleave_f32, .interleave_f64 = interleave_f64,
    .ragged_f32 = ragged_cols_f32, .ragged_f64 = ragged_cols_f64,
};
#endif
