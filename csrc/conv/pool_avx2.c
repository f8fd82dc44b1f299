/*
 * conv/pool_avx2.c -- 2x2 stride-2 max pooling with AVX2 (8 floats or 4 doubles per vector;
 * what it computes: pool_table.h, the loops: pool_vector_body.h).  In-lane shuffles and a
 * cross-lane permute split a row's even and odd columns; compares give all-ones lanes; a
 * row's last vector overlaps the one before (pool_vector_body.h), and only a row shorter
 * than a vector is a masked load and store (pool_lanes.h).  The double version keeps its indices as int64 lanes
 * (the width of its compare results) and narrows them to int32 when it stores them.
 *
 * AVX-512 CPUs run these kernels too (common/isa.c): two AVX-512 versions, one with 512-bit
 * vectors (permutex2var splits, bit-mask compares, masked loads and stores) and one with the
 * same instructions on 256-bit vectors (AVX-512VL), gave the same bits but were slower than
 * this one in a LeNet-5 training step (batch 64, one thread, AMD Zen 4: 5-15% on the
 * pooling kernels) and on inputs not in cache.  The loops are limited by memory; short rows
 * (LeNet's second pooling: 5 outputs) leave most of a 512-bit vector idle.
 */
#include "common/target.h"

#if ENG_X86_GNUC
#include <stdint.h>

#include "conv/pool_table.h"

ENG_TARGET_BEGIN_AVX2
#define ENG_SIMD_AVX2
#include "common/simd.h"

typedef __m256 pmask_f32;       /* a lane is on when all its bits are */
typedef __m256d pmask_f64;
typedef __m256i ivec_f32;       /* 8 int32 */
typedef __m256i ivec_f64;       /* 4 int64 */

/* the lanes below n */
static inline unsigned first_lanes(int n)
{
    return (1u << n) - 1u;
}

/* load_n, store_n, load_pairs, store_pairs for both types */
#define ENG_TEMPLATE "conv/pool_lanes.h"
#include "common/template.h"

/* the 64-bit pieces 0, 2, 1, 3 of v: after an in-lane shuffle, puts them in row order */
#define CROSS_LANES(v) _mm256_permute4x64_pd((v), _MM_SHUFFLE(3, 1, 2, 0))

/* ------------------------------------------------------------------ float */

static inline void load_split_f32(const float *p, int n, __m256 *even, __m256 *odd)
{
    __m256 lo, hi;
    load_pairs_f32(p, n, &lo, &hi);
    /* per 128-bit lane: lo's evens then hi's evens (odds), then the lanes in order */
    *even = _mm256_castpd_ps(CROSS_LANES(_mm256_castps_pd(
        _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0)))));
    *odd = _mm256_castpd_ps(CROSS_LANES(_mm256_castps_pd(
        _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1)))));
}

static inline void store_merged_f32(float *p, __m256 even, __m256 odd, int n)
{
    const __m256 a = _mm256_unpacklo_ps(even, odd);    /* e0 o0 e1 o1 | e4 o4 e5 o5 */
    const __m256 b = _mm256_unpackhi_ps(even, odd);    /* e2 o2 e3 o3 | e6 o6 e7 o7 */
    const __m256 lo = _mm256_permute2f128_ps(a, b, 0x20);
    const __m256 hi = _mm256_permute2f128_ps(a, b, 0x31);
    store_pairs_f32(p, lo, hi, n);
}

static inline __m256i iload_n_f32(const int32_t *p, int n)
{
    return n == 8 ? _mm256_loadu_si256((const __m256i *)p)
                  : _mm256_maskload_epi32((const int *)p, mask_of_f32(first_lanes(n)));
}

static inline void istore_n_f32(int32_t *p, __m256i v, int n)
{
    if (n == 8)
        _mm256_storeu_si256((__m256i *)p, v);
    else
        _mm256_maskstore_epi32((int *)p, mask_of_f32(first_lanes(n)), v);
}

static inline __m256 beats_f32(__m256 u, __m256 v)
{
    const __m256 nan_over_number = _mm256_and_ps(_mm256_cmp_ps(u, u, _CMP_UNORD_Q),
                                                 _mm256_cmp_ps(v, v, _CMP_ORD_Q));
    return _mm256_or_ps(_mm256_cmp_ps(u, v, _CMP_GT_OQ), nan_over_number);
}

static inline __m256 pick_f32(__m256 m, __m256 a, __m256 b)
{
    return _mm256_blendv_ps(a, b, m);
}

static inline __m256i ipick_f32(__m256 m, __m256i a, __m256i b)
{
    return _mm256_blendv_epi8(a, b, _mm256_castps_si256(m));
}

static inline __m256 keep_f32(__m256 m, __m256 v)
{
    return _mm256_and_ps(m, v);
}

static inline __m256i ramp_f32(int32_t base)
{
    return _mm256_add_epi32(_mm256_set1_epi32(base), _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14));
}

static inline __m256i iadd_f32(__m256i i, int32_t k)
{
    return _mm256_add_epi32(i, _mm256_set1_epi32(k));
}

static inline __m256i inext_f32(__m256i i, __m256 m)
{
    return _mm256_sub_epi32(i, _mm256_castps_si256(m));      /* an on lane is -1 */
}

static inline __m256 ieq_f32(__m256i a, __m256i b)
{
    return _mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b));
}

static inline __m256 any4_f32(__m256 a, __m256 b, __m256 c, __m256 d)
{
    return _mm256_or_ps(_mm256_or_ps(a, b), _mm256_or_ps(c, d));
}

static inline int missing_f32(__m256 m, int n)
{
    return (~(unsigned)_mm256_movemask_ps(m) & first_lanes(n)) != 0;
}

/* ------------------------------------------------------------------ double */

static inline void load_split_f64(const double *p, int n, __m256d *even, __m256d *odd)
{
    __m256d lo, hi;
    load_pairs_f64(p, n, &lo, &hi);
    *even = CROSS_LANES(_mm256_unpacklo_pd(lo, hi));         /* lo0 hi0 lo2 hi2 -> in order */
    *odd = CROSS_LANES(_mm256_unpackhi_pd(lo, hi));
}

static inline void store_merged_f64(double *p, __m256d even, __m256d odd, int n)
{
    const __m256d a = _mm256_unpacklo_pd(even, odd);   /* e0 o0 | e2 o2 */
    const __m256d b = _mm256_unpackhi_pd(even, odd);   /* e1 o1 | e3 o3 */
    const __m256d lo = _mm256_permute2f128_pd(a, b, 0x20);
    const __m256d hi = _mm256_permute2f128_pd(a, b, 0x31);
    store_pairs_f64(p, lo, hi, n);
}

/* the 4-lane int32 mask of the lanes below n */
static inline __m128i first_lanes_128(int n)
{
    return _mm_cmpgt_epi32(_mm_set1_epi32(n), _mm_setr_epi32(0, 1, 2, 3));
}

static inline __m256i iload_n_f64(const int32_t *p, int n)
{
    const __m128i v = n == 4 ? _mm_loadu_si128((const __m128i *)p)
                             : _mm_maskload_epi32((const int *)p, first_lanes_128(n));
    return _mm256_cvtepi32_epi64(v);
}

static inline void istore_n_f64(int32_t *p, __m256i v, int n)
{
    /* the low halves of the four int64 lanes (each index fits in int32) */
    const __m128i low = _mm256_castsi256_si128(
        _mm256_permutevar8x32_epi32(v, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
    if (n == 4)
        _mm_storeu_si128((__m128i *)p, low);
    else
        _mm_maskstore_epi32((int *)p, first_lanes_128(n), low);
}

static inline __m256d beats_f64(__m256d u, __m256d v)
{
    const __m256d nan_over_number = _mm256_and_pd(_mm256_cmp_pd(u, u, _CMP_UNORD_Q),
                                                  _mm256_cmp_pd(v, v, _CMP_ORD_Q));
    return _mm256_or_pd(_mm256_cmp_pd(u, v, _CMP_GT_OQ), nan_over_number);
}

static inline __m256d pick_f64(__m256d m, __m256d a, __m256d b)
{
    return _mm256_blendv_pd(a, b, m);
}

static inline __m256i ipick_f64(__m256d m, __m256i a, __m256i b)
{
    return _mm256_blendv_epi8(a, b, _mm256_castpd_si256(m));
}

static inline __m256d keep_f64(__m256d m, __m256d v)
{
    return _mm256_and_pd(m, v);
}

static inline __m256i ramp_f64(int32_t base)
{
    return _mm256_add_epi64(_mm256_set1_epi64x(base), _mm256_setr_epi64x(0, 2, 4, 6));
}

static inline __m256i iadd_f64(__m256i i, int32_t k)
{
    return _mm256_add_epi64(i, _mm256_set1_epi64x(k));
}

static inline __m256i inext_f64(__m256i i, __m256d m)
{
    return _mm256_sub_epi64(i, _mm256_castpd_si256(m));      /* an on lane is -1 */
}

static inline __m256d ieq_f64(__m256i a, __m256i b)
{
    return _mm256_castsi256_pd(_mm256_cmpeq_epi64(a, b));
}

static inline __m256d any4_f64(__m256d a, __m256d b, __m256d c, __m256d d)
{
    return _mm256_or_pd(_mm256_or_pd(a, b), _mm256_or_pd(c, d));
}

static inline int missing_f64(__m256d m, int n)
{
    return (~(unsigned)_mm256_movemask_pd(m) & first_lanes(n)) != 0;
}

#define ENG_TEMPLATE "conv/pool_vector_body.h"
#include "common/template.h"
ENG_TARGET_END
const eng_pool_table eng_pool_avx2 = ENG_POOL_TABLE;
#endif
