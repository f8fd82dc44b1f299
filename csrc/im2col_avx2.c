/*
 * im2col_avx2.c -- im2col / col2im for a unit width stride with AVX2 masked loads and
 * stores (8 floats or 4 doubles per vector; why: im2col_table.h).  AVX2 masks are
 * vectors: a lane is on when its top bit is set.
 */
#include "cpu.h"
#include "im2col_table.h"

#if ENG_X86_GNUC
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif
#include <immintrin.h>

/* lane j of the mask on (all bits set) when bit j of `bits` is */
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

#define REAL float
#define SFX(name) name##_f32
#define LANES 8
#define VEC __m256
#define MASK __m256i
#define MASK_OF(bits) mask_of_f32(bits)
#define LOAD_MASKED(m, p) _mm256_maskload_ps((p), (m))
#define STORE(p, v) _mm256_storeu_ps((p), (v))
#define STORE_MASKED(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#define VADD(a, b) _mm256_add_ps((a), (b))
#define VZERO() _mm256_setzero_ps()
#include "im2col_vector_body.h"

#define REAL double
#define SFX(name) name##_f64
#define LANES 4
#define VEC __m256d
#define MASK __m256i
#define MASK_OF(bits) mask_of_f64(bits)
#define LOAD_MASKED(m, p) _mm256_maskload_pd((p), (m))
#define STORE(p, v) _mm256_storeu_pd((p), (v))
#define STORE_MASKED(p, m, v) _mm256_maskstore_pd((p), (m), (v))
#define VADD(a, b) _mm256_add_pd((a), (b))
#define VZERO() _mm256_setzero_pd()
#include "im2col_vector_body.h"

#if defined(__clang__)
#pragma clang attribute pop
#endif
const eng_im2col_table eng_im2col_table_avx2 = {
    "avx2", 1, im2col_vector_f32, im2col_vector_f64, col2im_vector_f32, col2im_vector_f64 };
#else
const eng_im2col_table eng_im2col_table_avx2 = { "avx2", 0, NULL, NULL, NULL, NULL };
#endif
