/*
 * gemm/ukr_shapes.h -- one register-block shape's three micro-kernels, made from the
 * template of ukr_simd.h (instantiated before this file is included):
 *
 *     ENG_GEMM_SHAPE(float, _f32, ukr_f32_6x48, 6, 3)
 *
 * defines ukr_f32_6x48 (A packed), ukr_f32_6x48_direct (A read in place) and
 * ukr_f32_6x48_edge (a tile cut by C's last rows or columns), with the signatures of
 * kernels.h, for MR rows and NV vectors of columns; and
 *
 *     ENG_GEMM_SHAPE_ENTRY(ENG_GEMM_AVX512_F32_6x48, ukr_f32_6x48)
 *
 * is its entry in a kernel table (eng_gemm_shape_f32 / _f64: blocks and the three kernels).
 */
#ifndef ENGINE_GEMM_UKR_SHAPES_H
#define ENGINE_GEMM_UKR_SHAPES_H

#define ENG_GEMM_SHAPE(type, sfx, name, MR, NV)                                          \
    static void name(ptrdiff_t kc, const type *restrict a, const type *restrict b,       \
                     ptrdiff_t ldb, type *restrict c, ptrdiff_t ldc, type alpha, type beta) \
    {                                                                                    \
        ukr_tile##sfx(MR, NV, kc, a, 1, MR, b, ldb, c, ldc, alpha, beta, MR,             \
                      NV * lanes##sfx);                                                  \
    }                                                                                    \
    static void name##_direct(ptrdiff_t kc, const type *restrict a, ptrdiff_t lda,       \
                              const type *restrict b, ptrdiff_t ldb, type *restrict c,   \
                              ptrdiff_t ldc, type alpha, type beta)                      \
    {                                                                                    \
        ukr_tile##sfx(MR, NV, kc, a, lda, 1, b, ldb, c, ldc, alpha, beta, MR,            \
                      NV * lanes##sfx);                                                  \
    }                                                                                    \
    static void name##_edge(ptrdiff_t kc, const type *a, ptrdiff_t lda, const type *b,   \
                            ptrdiff_t ldb, type *c, ptrdiff_t ldc, type alpha, type beta, \
                            int mr, int nr)                                              \
    {                                                                                    \
        ukr_edge##sfx(MR, NV, kc, a, lda, b, ldb, c, ldc, alpha, beta, mr, nr);          \
    }

#define ENG_GEMM_SHAPE_ENTRY(blocks, name) { blocks, name, name##_direct, name##_edge }

#endif /* ENGINE_GEMM_UKR_SHAPES_H */
