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
 */
#ifndef ENGINE_COMMON_SIMD_H
#define ENGINE_COMMON_SIMD_H

#include <immintrin.h>

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

#else
#error "define ENG_SIMD_AVX2 or ENG_SIMD_AVX512 before including common/simd.h"
#endif

#endif /* ENGINE_COMMON_SIMD_H */
