/*
 * conv/pool_avx512.c -- 2x2 stride-2 max pooling with AVX-512 (16 floats or 8 doubles per
 * vector; what it computes: pool_table.h, the loops: pool_vector_body.h).  A permute of
 * two vectors (permutex2var) splits a row's even and odd columns; compares give bit masks;
 * row ends are masked loads and stores.
 */
#include "common/target.h"

#if ENG_X86_GNUC
#include <stdint.h>

#include "conv/pool_table.h"

ENG_TARGET_BEGIN_AVX512
#define ENG_SIMD_AVX512
#include "common/simd.h"

typedef __mmask16 pmask_f32;
typedef __mmask8 pmask_f64;
typedef __m512i ivec_f32;       /* 16 int32 */
typedef __m256i ivec_f64;       /* 8 int32 */

/* the lanes below n (n <= 16) */
static inline unsigned first_lanes(int n)
{
    return (1u << n) - 1u;
}

/* ------------------------------------------------------------------ float */

static inline void load_split_f32(const float *p, int n, __m512 *even, __m512 *odd)
{
    const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14,
                                            16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odds = _mm512_add_epi32(evens, _mm512_set1_epi32(1));
    __m512 lo, hi;
    if (n == 16) {
        lo = _mm512_loadu_ps(p);
        hi = _mm512_loadu_ps(p + 16);
    } else {                                    /* 2n < 32 values */
        const uint32_t bits = (uint32_t)((1ull << (2 * n)) - 1u);
        lo = _mm512_maskz_loadu_ps((__mmask16)bits, p);
        hi = _mm512_maskz_loadu_ps((__mmask16)(bits >> 16), p + 16);
    }
    *even = _mm512_permutex2var_ps(lo, evens, hi);
    *odd = _mm512_permutex2var_ps(lo, odds, hi);
}

static inline void store_merged_f32(float *p, __m512 even, __m512 odd, int n)
{
    const __m512i front = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19,
                                            4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i back = _mm512_add_epi32(front, _mm512_set1_epi32(8));
    const __m512 lo = _mm512_permutex2var_ps(even, front, odd);
    const __m512 hi = _mm512_permutex2var_ps(even, back, odd);
    if (n == 16) {
        _mm512_storeu_ps(p, lo);
        _mm512_storeu_ps(p + 16, hi);
    } else {
        const uint32_t bits = (uint32_t)((1ull << (2 * n)) - 1u);
        _mm512_mask_storeu_ps(p, (__mmask16)bits, lo);
        _mm512_mask_storeu_ps(p + 16, (__mmask16)(bits >> 16), hi);
    }
}

static inline __m512 load_n_f32(const float *p, int n)
{
    return _mm512_maskz_loadu_ps((__mmask16)first_lanes(n), p);
}

static inline void store_n_f32(float *p, __m512 v, int n)
{
    _mm512_mask_storeu_ps(p, (__mmask16)first_lanes(n), v);
}

static inline __m512i iload_n_f32(const int32_t *p, int n)
{
    return _mm512_maskz_loadu_epi32((__mmask16)first_lanes(n), p);
}

static inline void istore_n_f32(int32_t *p, __m512i v, int n)
{
    _mm512_mask_storeu_epi32(p, (__mmask16)first_lanes(n), v);
}

static inline __mmask16 beats_f32(__m512 u, __m512 v)
{
    const __mmask16 u_nan = _mm512_cmp_ps_mask(u, u, _CMP_UNORD_Q);
    return _mm512_cmp_ps_mask(u, v, _CMP_GT_OQ) | _mm512_mask_cmp_ps_mask(u_nan, v, v, _CMP_ORD_Q);
}

static inline __m512 pick_f32(__mmask16 m, __m512 a, __m512 b)
{
    return _mm512_mask_blend_ps(m, a, b);
}

static inline __m512i ipick_f32(__mmask16 m, __m512i a, __m512i b)
{
    return _mm512_mask_blend_epi32(m, a, b);
}

static inline __m512 keep_f32(__mmask16 m, __m512 v)
{
    return _mm512_maskz_mov_ps(m, v);
}

static inline __m512i ramp_f32(int32_t base)
{
    return _mm512_add_epi32(_mm512_set1_epi32(base),
                            _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14,
                                              16, 18, 20, 22, 24, 26, 28, 30));
}

static inline __m512i iadd_f32(__m512i i, int32_t k)
{
    return _mm512_add_epi32(i, _mm512_set1_epi32(k));
}

static inline __m512i inext_f32(__m512i i, __mmask16 m)
{
    return _mm512_mask_add_epi32(i, m, i, _mm512_set1_epi32(1));
}

static inline __mmask16 ieq_f32(__m512i a, __m512i b)
{
    return _mm512_cmpeq_epi32_mask(a, b);
}

static inline __mmask16 any4_f32(__mmask16 a, __mmask16 b, __mmask16 c, __mmask16 d)
{
    return (__mmask16)(a | b | c | d);
}

static inline int missing_f32(__mmask16 m, int n)
{
    return (~(unsigned)m & first_lanes(n)) != 0;
}

/* ------------------------------------------------------------------ double */

static inline void load_split_f64(const double *p, int n, __m512d *even, __m512d *odd)
{
    const __m512i evens = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    const __m512i odds = _mm512_add_epi64(evens, _mm512_set1_epi64(1));
    __m512d lo, hi;
    if (n == 8) {
        lo = _mm512_loadu_pd(p);
        hi = _mm512_loadu_pd(p + 8);
    } else {                                    /* 2n < 16 values */
        const unsigned bits = first_lanes(2 * n);
        lo = _mm512_maskz_loadu_pd((__mmask8)bits, p);
        hi = _mm512_maskz_loadu_pd((__mmask8)(bits >> 8), p + 8);
    }
    *even = _mm512_permutex2var_pd(lo, evens, hi);
    *odd = _mm512_permutex2var_pd(lo, odds, hi);
}

static inline void store_merged_f64(double *p, __m512d even, __m512d odd, int n)
{
    const __m512i front = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
    const __m512i back = _mm512_add_epi64(front, _mm512_set1_epi64(4));
    const __m512d lo = _mm512_permutex2var_pd(even, front, odd);
    const __m512d hi = _mm512_permutex2var_pd(even, back, odd);
    if (n == 8) {
        _mm512_storeu_pd(p, lo);
        _mm512_storeu_pd(p + 8, hi);
    } else {
        const unsigned bits = first_lanes(2 * n);
        _mm512_mask_storeu_pd(p, (__mmask8)bits, lo);
        _mm512_mask_storeu_pd(p + 8, (__mmask8)(bits >> 8), hi);
    }
}

static inline __m512d load_n_f64(const double *p, int n)
{
    return _mm512_maskz_loadu_pd((__mmask8)first_lanes(n), p);
}

static inline void store_n_f64(double *p, __m512d v, int n)
{
    _mm512_mask_storeu_pd(p, (__mmask8)first_lanes(n), v);
}

static inline __m256i iload_n_f64(const int32_t *p, int n)
{
    return _mm256_maskz_loadu_epi32((__mmask8)first_lanes(n), p);
}

static inline void istore_n_f64(int32_t *p, __m256i v, int n)
{
    _mm256_mask_storeu_epi32(p, (__mmask8)first_lanes(n), v);
}

static inline __mmask8 beats_f64(__m512d u, __m512d v)
{
    const __mmask8 u_nan = _mm512_cmp_pd_mask(u, u, _CMP_UNORD_Q);
    return _mm512_cmp_pd_mask(u, v, _CMP_GT_OQ) | _mm512_mask_cmp_pd_mask(u_nan, v, v, _CMP_ORD_Q);
}

static inline __m512d pick_f64(__mmask8 m, __m512d a, __m512d b)
{
    return _mm512_mask_blend_pd(m, a, b);
}

static inline __m256i ipick_f64(__mmask8 m, __m256i a, __m256i b)
{
    return _mm256_mask_blend_epi32(m, a, b);
}

static inline __m512d keep_f64(__mmask8 m, __m512d v)
{
    return _mm512_maskz_mov_pd(m, v);
}

static inline __m256i ramp_f64(int32_t base)
{
    return _mm256_add_epi32(_mm256_set1_epi32(base), _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14));
}

static inline __m256i iadd_f64(__m256i i, int32_t k)
{
    return _mm256_add_epi32(i, _mm256_set1_epi32(k));
}

static inline __m256i inext_f64(__m256i i, __mmask8 m)
{
    return _mm256_mask_add_epi32(i, m, i, _mm256_set1_epi32(1));
}

static inline __mmask8 ieq_f64(__m256i a, __m256i b)
{
    return _mm256_cmpeq_epi32_mask(a, b);
}

static inline __mmask8 any4_f64(__mmask8 a, __mmask8 b, __mmask8 c, __mmask8 d)
{
    return (__mmask8)(a | b | c | d);
}

static inline int missing_f64(__mmask8 m, int n)
{
    return (~(unsigned)m & first_lanes(n)) != 0;
}

#define ENG_TEMPLATE "conv/pool_vector_body.h"
#include "common/template.h"
ENG_TARGET_END
const eng_pool_table eng_pool_avx512 = ENG_POOL_TABLE;
#endif
