/*
 * conv/avx2.c -- im2col / col2im for a unit width stride with AVX2 masked loads and stores
 * (8 floats or 4 doubles per vector; why: vector.h).
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX2
#include <immintrin.h>

#include "conv/vector.h"

/* The vector operations of vector_body.h, for each type.  AVX2 masks are vectors: a lane
 * is on when its top bit is set. */
enum { lanes_f32 = 8, lanes_f64 = 4 };
typedef __m256 vec_f32;
typedef __m256d vec_f64;
typedef __m256i mask_f32;
typedef __m256i mask_f64;

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

#define load_masked_f32(m, p) _mm256_maskload_ps((p), (m))
#define load_masked_f64(m, p) _mm256_maskload_pd((p), (m))
#define store_masked_f32(p, m, v) _mm256_maskstore_ps((p), (m), (v))
#define store_masked_f64(p, m, v) _mm256_maskstore_pd((p), (m), (v))
#define store_f32 _mm256_storeu_ps
#define store_f64 _mm256_storeu_pd
#define vadd_f32 _mm256_add_ps
#define vadd_f64 _mm256_add_pd
#define vzero_f32 _mm256_setzero_ps
#define vzero_f64 _mm256_setzero_pd

#define ENG_TEMPLATE "conv/vector_body.h"
#include "common/template.h"
ENG_TARGET_END
const eng_im2col_table eng_im2col_avx2 = ENG_IM2COL_VECTOR_TABLE;
#endif
