/*
 * common/simd.h -- the vector intrinsics of one instruction set under per-type names, so
 * that a template body (common/template.h) written with SFX(fmadd) gets _mm512_fmadd_ps
 * for float and _mm512_fmadd_pd for double, and the same body serves AVX2 and AVX-512.
 *
 * An instruction-set file includes it after its target (common/target.h), with
 * ENG_SIMD_AVX2 or ENG_SIMD_AVX512 defined:
 *
 *   SFX(vec), SFX(lanes)                  the vector type; values per vector
 *   SFX(vzero)(), SFX(set1)(x), SFX(broadcast)(p)       all lanes 0, x, or *p
 *   SFX(loadu)(p), SFX(storeu)(p, v)      unaligned load and store
 *   SFX(vadd)(a, b), SFX(mul)(a, b)
 *   SFX(fmadd)(a, b, c)                   a*b + c, rounded once
 *   SFX(mask), SFX(mask_of)(bits)         a lane mask; the one whose lane j is on when bit j
 *                                         of `bits` is (AVX-512: a bit mask; AVX2: a vector
 *                                         whose lane is on when its top bit is set)
 *   SFX(load_masked)(m, p)                the lanes of p in m, 0 elsewhere (lanes off m are
 *                                         never read)
 *   SFX(store_masked)(p, m, v)            stores only the lanes in m
 *   SFX(sum4)(v0, v1, v2, v3, out)        out[j] = the sum of the lanes of vj, j < 4, in a
 *                                         fixed order: the two halves of each vector added
 *                                         down to 4 lanes, then (lane 0 + lane 1) + (lane 2 +
 *                                         lane 3), for the four vectors at once
 *   SFX(sum4x4)(ENG_SUM4X4_ARGS(v, q), r, out)
 *                                         out[4j + i] = the sum of the lanes of v[q + i][j],
 *                                         for i < 4, j < r <= 4 (a 4 x 4 block of vectors, C's
 *                                         entries in ragged.h), each in a fixed order
 */
#ifndef ENGINE_COMMON_SIMD_H
#define ENGINE_COMMON_SIMD_H

#include <immintrin.h>

/* Four vectors of 4 floats to their four sums: transposed (each lane number in one vector),
 * then (lane 0 + lane 1) + (lane 2 + lane 3) (the order sum4 promises). */
static inline void sum4_of_quarters_f32(__m128 q0, __m128 q1, __m128 q2, __m128 q3,
                                        float out[4])
{
    _MM_TRANSPOSE4_PS(q0, q1, q2, q3);
    _mm_storeu_ps(out, _mm_add_ps(_mm_add_ps(q0, q1), _mm_add_ps(q2, q3)));
}

/* Four vectors of 4 doubles to their four sums: pairs of lanes side by side (unpack), then
 * the two 128-bit halves (the order sum4 promises). */
static inline void sum4_of_halves_f64(__m256d h0, __m256d h1, __m256d h2, __m256d h3,
                                      double out[4])
{
    const __m256d s01 = _mm256_add_pd(_mm256_unpacklo_pd(h0, h1), _mm256_unpackhi_pd(h0, h1));
    const __m256d s23 = _mm256_add_pd(_mm256_unpacklo_pd(h2, h3), _mm256_unpackhi_pd(h2, h3));
    _mm256_storeu_pd(out, _mm256_add_pd(_mm256_permute2f128_pd(s01, s23, 0x20),
                                        _mm256_permute2f128_pd(s01, s23, 0x31)));
}

#if defined(ENG_SIMD_AVX512)

typedef __m512 vec_f32;
typedef __m512d vec_f64;
typedef __mmask16 mask_f32;
typedef __mmask8 mask_f64;
enum { lanes_f32 = 16, lanes_f64 = 8 };
#define vzero_f32 _mm512_setzero_ps
#define vzero_f64 _mm512_setzero_pd
#define set1_f32 _mm512_set1_ps
#define set1_f64 _mm512_set1_pd
#define broadcast_f32(p) _mm512_set1_ps(*(p))
#define broadcast_f64(p) _mm512_set1_pd(*(p))
#define loadu_f32 _mm512_loadu_ps
#define loadu_f64 _mm512_loadu_pd
#define storeu_f32 _mm512_storeu_ps
#define storeu_f64 _mm512_storeu_pd
#define vadd_f32 _mm512_add_ps
#define vadd_f64 _mm512_add_pd
#define mul_f32 _mm512_mul_ps
#define mul_f64 _mm512_mul_pd
#define fmadd_f32 _mm512_fmadd_ps
#define fmadd_f64 _mm512_fmadd_pd
#define mask_of_f32(bits) ((__mmask16)(bits))
#define mask_of_f64(bits) ((__mmask8)(bits))
#define load_masked_f32(m, p) _mm512_maskz_loadu_ps((m), (p))
#define load_masked_f64(m, p) _mm512_maskz_loadu_pd((m), (p))
#define store_masked_f32(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define store_masked_f64(p, m, v) _mm512_mask_storeu_pd((p), (m), (v))

/* 16 lanes down to 4: the upper half added to the lower, twice */
static inline __m128 quarter_sum_f32(__m512 v)
{
    const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1));
    const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), hi);
    return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

static inline __m256d half_sum_f64(__m512d v)
{
    return _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd(v, 1));
}

static inline void sum4_f32(__m512 v0, __m512 v1, __m512 v2, __m512 v3, float out[4])
{
    sum4_of_quarters_f32(quarter_sum_f32(v0), quarter_sum_f32(v1), quarter_sum_f32(v2),
                         quarter_sum_f32(v3), out);
}

static inline void sum4_f64(__m512d v0, __m512d v1, __m512d v2, __m512d v3, double out[4])
{
    sum4_of_halves_f64(half_sum_f64(v0), half_sum_f64(v1), half_sum_f64(v2), half_sum_f64(v3),
                       out);
}

/* All 16 at once, halving the number of vectors at each of four steps: two vectors' halves
 * added side by side (lanes l and l + 8), then their quarters (l and l + 4), then pairs of
 * lanes within 128 bits twice.  Lane 4j + i of the result is v[i][j]'s sum: 45 instructions
 * for 16 sums, where four sum4 take about twice that.  (The vectors come as values, the
 * sixteen of ENG_SUM4X4_ARGS: an array's address would keep the block's accumulators in
 * memory.) */
static inline __attribute__((always_inline)) __m512 sum_pair_halves_f32(__m512 a, __m512 b)
{
    return _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x44), _mm512_shuffle_f32x4(a, b, 0xEE));
}

static inline __attribute__((always_inline)) __m512 sum_pair_quarters_f32(__m512 a, __m512 b)
{
    return _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x88), _mm512_shuffle_f32x4(a, b, 0xDD));
}

static inline __attribute__((always_inline)) void sum4x4_f32(
    __m512 v00, __m512 v01, __m512 v02, __m512 v03, __m512 v10, __m512 v11, __m512 v12,
    __m512 v13, __m512 v20, __m512 v21, __m512 v22, __m512 v23, __m512 v30, __m512 v31,
    __m512 v32, __m512 v33, int r, float out[16])
{
    (void)r;
    /* 128-bit lane t of x_i: the 4 partial sums of v[i][t] */
    const __m512 x0 = sum_pair_quarters_f32(sum_pair_halves_f32(v00, v01),
                                            sum_pair_halves_f32(v02, v03));
    const __m512 x1 = sum_pair_quarters_f32(sum_pair_halves_f32(v10, v11),
                                            sum_pair_halves_f32(v12, v13));
    const __m512 x2 = sum_pair_quarters_f32(sum_pair_halves_f32(v20, v21),
                                            sum_pair_halves_f32(v22, v23));
    const __m512 x3 = sum_pair_quarters_f32(sum_pair_halves_f32(v30, v31),
                                            sum_pair_halves_f32(v32, v33));
    const __m512d y0 = _mm512_castps_pd(_mm512_add_ps(_mm512_unpacklo_ps(x0, x1),
                                                      _mm512_unpackhi_ps(x0, x1)));
    const __m512d y1 = _mm512_castps_pd(_mm512_add_ps(_mm512_unpacklo_ps(x2, x3),
                                                      _mm512_unpackhi_ps(x2, x3)));
    _mm512_storeu_ps(out, _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(y0, y1)),
                                        _mm512_castpd_ps(_mm512_unpackhi_pd(y0, y1))));
}
#define sum4x4_f64 sum4x4_by_columns_f64

#elif defined(ENG_SIMD_AVX2)

typedef __m256 vec_f32;
typedef __m256d vec_f64;
typedef __m256i mask_f32;
typedef __m256i mask_f64;
enum { lanes_f32 = 8, lanes_f64 = 4 };
#define vzero_f32 _mm256_setzero_ps
#define vzero_f64 _mm256_setzero_pd
#define set1_f32 _mm256_set1_ps
#define set1_f64 _mm256_set1_pd
#define broadcast_f32 _mm256_broadcast_ss
#define broadcast_f64 _mm256_broadcast_sd
#define loadu_f32 _mm256_loadu_ps
#define loadu_f64 _mm256_loadu_pd
#define storeu_f32 _mm256_storeu_ps
#define storeu_f64 _mm256_storeu_pd
#define vadd_f32 _mm256_add_ps
#define vadd_f64 _mm256_add_pd
#define mul_f32 _mm256_mul_ps
#define mul_f64 _mm256_mul_pd
#define fmadd_f32 _mm256_fmadd_ps
#define fmadd_f64 _mm256_fmadd_pd

static inline __m256i mask_of_f32(unsigned bits)
{
    const __m256i lane_bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
    return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32((int)bits), lane_bit), lane_bit);
}

static inline __m256i mask_of_f64(unsigned bits)
{
    const __m256i lane_bit = _mm256_setr_epi64x(1, 2, 4, 8);
    return _mm256_cmpeq_epi64(_mm256_and_si256(_mm256_set1_epi64x(bits), lane_bit), lane_bit);
}

#define load_masked_f32(m, p) _mm256_maskload_ps((p), (m))
#define load_masked_f64(m, p) _mm256_maskload_pd((p), (m))
#define store_masked_f32(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#define store_masked_f64(p, m, v) _mm256_maskstore_pd((p), (m), (v))

static inline __m128 quarter_sum_f32(__m256 v)
{
    return _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
}

static inline void sum4_f32(__m256 v0, __m256 v1, __m256 v2, __m256 v3, float out[4])
{
    sum4_of_quarters_f32(quarter_sum_f32(v0), quarter_sum_f32(v1), quarter_sum_f32(v2),
                         quarter_sum_f32(v3), out);
}

#define sum4_f64 sum4_of_halves_f64
#define sum4x4_f32 sum4x4_by_columns_f32
#define sum4x4_f64 sum4x4_by_columns_f64

#else
#error "define ENG_SIMD_AVX2 or ENG_SIMD_AVX512 before including common/simd.h"
#endif

/* sum4x4 one column at a time, by sum4 (where nothing faster is written) */
#define ENG_SUM4X4_BY_COLUMNS(sfx, T, V)                                                   \
    static inline __attribute__((always_inline)) void sum4x4_by_columns##sfx(             \
        V v00, V v01, V v02, V v03, V v10, V v11, V v12, V v13, V v20, V v21, V v22,      \
        V v23, V v30, V v31, V v32, V v33, int r, T out[16])                               \
    {                                                                                      \
        sum4##sfx(v00, v10, v20, v30, out);                                                \
        if (r > 1)                                                                         \
            sum4##sfx(v01, v11, v21, v31, out + 4);                                        \
        if (r > 2)                                                                         \
            sum4##sfx(v02, v12, v22, v32, out + 8);                                        \
        if (r > 3)                                                                         \
            sum4##sfx(v03, v13, v23, v33, out + 12);                                       \
    }
ENG_SUM4X4_BY_COLUMNS(_f32, float, vec_f32)
ENG_SUM4X4_BY_COLUMNS(_f64, double, vec_f64)
#undef ENG_SUM4X4_BY_COLUMNS

/* The 16 vectors of rows q .. q+3 of an accumulator array acc[][4], as sum4x4's arguments */
#define ENG_SUM4X4_ARGS(acc, q)                                                            \
    acc[q][0], acc[q][1], acc[q][2], acc[q][3], acc[q + 1][0], acc[q + 1][1],              \
    acc[q + 1][2], acc[q + 1][3], acc[q + 2][0], acc[q + 2][1], acc[q + 2][2],             \
    acc[q + 2][3], acc[q + 3][0], acc[q + 3][1], acc[q + 3][2], acc[q + 3][3]

#endif /* ENGINE_COMMON_SIMD_H */
