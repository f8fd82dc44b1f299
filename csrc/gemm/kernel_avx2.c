/*
 * gemm/kernel_avx2.c -- the AVX2+FMA micro-kernels (intrinsics).
 *
 * float: a 6 x 16 tile of C in 12 ymm registers (6 rows x 2 vectors of 8
 * floats); double: 6 x 8 (4 doubles per ymm).  Each step p of the k loop
 * loads one row of the B micro-panel (2 vectors), broadcasts the 6 values
 * of A's column p and does 12 FMAs.  12 accumulators + 2 B vectors + 1
 * broadcast = 15 of the 16 ymm registers.  The contract is in kernels.h.
 *
 * The kernels are the x86 template's (ukr_simd.h, shared with AVX-512), each shape in
 * three: A packed, A read in place ("direct A", gemm.c), and a tile cut by C's last rows
 * or columns, stored in place with masks (edge).
 *
 * Compiled with AVX2+FMA for this file only; common/isa.c selects it only when
 * the CPU reports both.
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX2
#include <string.h>

#define ENG_SIMD_AVX2
#include "common/simd.h"

#include "gemm/blocking.h"
#include "gemm/kernels.h"

#define ENG_UKR_INLINE static inline __attribute__((always_inline))
#define ENG_TEMPLATE "gemm/ukr_simd.h"
#include "common/template.h"
#include "gemm/ukr_shapes.h"

ENG_GEMM_SHAPE(float, _f32, ukr_f32, 6, 2)
ENG_GEMM_SHAPE(double, _f64, ukr_f64, 6, 2)

/* The dot-product kernels (dot.h), 32-byte vectors: 8 floats / 4 doubles. */
#define ENG_DOT_VECTOR_BYTES 32
#define ENG_TEMPLATE "gemm/dot.h"
#include "common/template.h"
#include "gemm/interleave.h"

/* The last few columns as dot products (ragged.h), with 8 accumulators. */
#define RAGGED_ACCS 8
#define ENG_TEMPLATE "gemm/ragged.h"
#include "common/template.h"
ENG_TARGET_END

const eng_gemm_kernels eng_gemm_avx2 = {
    .vector_bytes = 32,
    .f32 = { ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX2_F32, ukr_f32) },
    .f64 = { ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX2_F64, ukr_f64) },
    .dot_mr = 2, .dot_nr = 4,       /* 8 accumulators + 6 loaded vectors of the 16 ymm */
    .dot_bytes = ENG_DOT_VECTOR_BYTES,
    .dot_f32 = dot_f32, .dot_f64 = dot_f64,
    .dot_finish_f32 = dot_finish_f32, .dot_finish_f64 = dot_finish_f64,
    .interleave_f32 = interleave_f32, .interleave_f64 = interleave_f64,
    .ragged_f32 = ragged_cols_f32, .ragged_f64 = ragged_cols_f64,
};
#endif
