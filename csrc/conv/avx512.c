/*
 * conv/avx512.c -- im2col / col2im for a unit width stride with AVX-512 masked loads and
 * stores (16 floats or 8 doubles per vector; why: vector.h).  AVX-512 masks are bit masks.
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX512
#include <immintrin.h>

#include "conv/vector.h"

/* The vector operations of vector_body.h, for each type. */
enum { lanes_f32 = 16, lanes_f64 = 8 };
typedef __m512 vec_f32;
typedef __m512d vec_f64;
typedef __mmask16 mask_f32;
typedef __mmask8 mask_f64;

#define mask_of_f32(bits) ((__mmask16)(bits))
#define mask_of_f64(bits) ((__mmask8)(bits))
#define load_masked_f32(m, p) _mm512_maskz_loadu_ps((m), (p))
#define load_masked_f64(m, p) _mm512_maskz_loadu_pd((m), (p))
#define store_masked_f32(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define store_masked_f64(p, m, v) _mm512_mask_storeu_pd((p), (m), (v))
#define store_f32 _mm512_storeu_ps
#define store_f64 _mm512_storeu_pd
#define vadd_f32 _mm512_add_ps
#define vadd_f64 _mm512_add_pd
#define vzero_f32 _mm512_setzero_ps
#define vzero_f64 _mm512_setzero_pd

#define ENG_TEMPLATE "conv/vector_body.h"
#include "common/template.h"
ENG_TARGET_END
const eng_im2col_table eng_im2col_avx512 = ENG_IM2COL_VECTOR_TABLE;
#endif
