/*
 * im2col_avx512.c -- im2col / col2im for a unit width stride with AVX-512 masked loads
 * and stores (16 floats or 8 doubles per vector; why: im2col_table.h).
 */
#include "cpu.h"
#include "im2col_table.h"

#if ENG_X86_GNUC
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")
#endif
#include <immintrin.h>

#define REAL float
#define SFX(name) name##_f32
#define LANES 16
#define VEC __m512
#define MASK __mmask16
#define MASK_OF(bits) ((__mmask16)(bits))
#define LOAD_MASKED(m, p) _mm512_maskz_loadu_ps((m), (p))
#define STORE(p, v) _mm512_storeu_ps((p), (v))
#define STORE_MASKED(p, m, v) _mm512_mask_storeu_ps((p), (m), (v))
#define VADD(a, b) _mm512_add_ps((a), (b))
#define VZERO() _mm512_setzero_ps()
#include "im2col_vector_body.h"

#define REAL double
#define SFX(name) name##_f64
#define LANES 8
#define VEC __m512d
#define MASK __mmask8
#define MASK_OF(bits) ((__mmask8)(bits))
#define LOAD_MASKED(m, p) _mm512_maskz_loadu_pd((m), (p))
#define STORE(p, v) _mm512_storeu_pd((p), (v))
#define STORE_MASKED(p, m, v) _mm512_mask_storeu_pd((p), (m), (v))
#define VADD(a, b) _mm512_add_pd((a), (b))
#define VZERO() _mm512_setzero_pd()
#include "im2col_vector_body.h"

#if defined(__clang__)
#pragma clang attribute pop
#endif
const eng_im2col_table eng_im2col_table_avx512 = {
    "avx512", 1, im2col_vector_f32, im2col_vector_f64, col2im_vector_f32, col2im_vector_f64 };
#else
const eng_im2col_table eng_im2col_table_avx512 = { "avx512", 0, NULL, NULL, NULL, NULL };
#endif
