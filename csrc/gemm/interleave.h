/*
 * gemm/interleave.h -- the transposing copy at the heart of packing, in
 * 8 x 8 (float) and 4 x 4 (double) register blocks.
 *
 *     dst[p*W + i] = src[i*ld + p]        for i < r <= W, p < kc
 *
 * Packing A when its rows are contiguous (the usual row-major A) and packing
 * B when its columns are (B transposed: a dense layer's x * W^T, a
 * convolution's dY * cols^T) both interleave r rows of length kc this way.
 * Element by element that is a scalar load and a scalar store per value; here
 * eight rows are loaded eight values at a time, transposed in registers
 * (unpack, shuffle, permute: the usual 8 x 8 transpose) and stored as eight
 * contiguous runs of dst; then blocks of four rows and of two (the 14-row and 6-row
 * micro-panels end in two: copied one by one, they cost as much as the other twelve).  A
 * last odd row and the columns left over go one by one.
 *
 * Included by kernel_avx2.c and kernel_avx512.c after their target pragma
 * (AVX is all it needs); the generic table has no interleave, and pack.h
 * then does the scalar copy.
 */

/* The same copy value by value, for what the register blocks leave over:
 * rows i0 <= i < i1, columns p0 <= p < kc. */
#define INTERLEAVE_REST(p0, i0, i1)                                           \
    for (ptrdiff_t p_ = (p0); p_ < kc; p_++)                                  \
        for (int i_ = (i0); i_ < (i1); i_++)                                  \
            dst[p_ * W + i_] = src[i_ * ld + p_];

static void interleave_f32(ptrdiff_t kc, int r, int W, const float *src, ptrdiff_t ld,
                           float *restrict dst)
{
    int i = 0;
    for (; i + 8 <= r; i += 8) {
        const float *s = src + i * ld;
        ptrdiff_t p = 0;
        for (; p + 8 <= kc; p += 8) {
            __m256 r0 = _mm256_loadu_ps(s + 0 * ld + p), r1 = _mm256_loadu_ps(s + 1 * ld + p);
            __m256 r2 = _mm256_loadu_ps(s + 2 * ld + p), r3 = _mm256_loadu_ps(s + 3 * ld + p);
            __m256 r4 = _mm256_loadu_ps(s + 4 * ld + p), r5 = _mm256_loadu_ps(s + 5 * ld + p);
            __m256 r6 = _mm256_loadu_ps(s + 6 * ld + p), r7 = _mm256_loadu_ps(s + 7 * ld + p);
            /* pairs of rows interleaved, then pairs of pairs, then the 128-bit halves */
            __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
            __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
            __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
            __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            __m256 u0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
            __m256 u1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
            __m256 u2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
            __m256 u3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
            __m256 u4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
            __m256 u5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
            __m256 u6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
            __m256 u7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
            float *d = dst + p * W + i;
            _mm256_storeu_ps(d + 0 * W, _mm256_permute2f128_ps(u0, u4, 0x20));
            _mm256_storeu_ps(d + 1 * W, _mm256_permute2f128_ps(u1, u5, 0x20));
            _mm256_storeu_ps(d + 2 * W, _mm256_permute2f128_ps(u2, u6, 0x20));
            _mm256_storeu_ps(d + 3 * W, _mm256_permute2f128_ps(u3, u7, 0x20));
            _mm256_storeu_ps(d + 4 * W, _mm256_permute2f128_ps(u0, u4, 0x31));
            _mm256_storeu_ps(d + 5 * W, _mm256_permute2f128_ps(u1, u5, 0x31));
            _mm256_storeu_ps(d + 6 * W, _mm256_permute2f128_ps(u2, u6, 0x31));
            _mm256_storeu_ps(d + 7 * W, _mm256_permute2f128_ps(u3, u7, 0x31));
        }
        INTERLEAVE_REST(p, i, i + 8)
    }
    for (; i + 4 <= r; i += 4) {            /* four rows: the SSE 4 x 4 transpose */
        const float *s = src + i * ld;
        ptrdiff_t p = 0;
        for (; p + 4 <= kc; p += 4) {
            __m128 r0 = _mm_loadu_ps(s + p), r1 = _mm_loadu_ps(s + ld + p);
            __m128 r2 = _mm_loadu_ps(s + 2 * ld + p), r3 = _mm_loadu_ps(s + 3 * ld + p);
            _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
            float *d = dst + p * W + i;
            _mm_storeu_ps(d, r0);
            _mm_storeu_ps(d + W, r1);
            _mm_storeu_ps(d + 2 * W, r2);
            _mm_storeu_ps(d + 3 * W, r3);
        }
        INTERLEAVE_REST(p, i, i + 4)
    }
    for (; i + 2 <= r; i += 2) {            /* two rows: pairs, stored 8 bytes at a time */
        const float *s = src + i * ld;
        ptrdiff_t p = 0;
        for (; p + 4 <= kc; p += 4) {
            const __m128 r0 = _mm_loadu_ps(s + p), r1 = _mm_loadu_ps(s + ld + p);
            const __m128 lo = _mm_unpacklo_ps(r0, r1), hi = _mm_unpackhi_ps(r0, r1);
            float *d = dst + p * W + i;
            _mm_storel_pi((__m64 *)d, lo);
            _mm_storeh_pi((__m64 *)(d + W), lo);
            _mm_storel_pi((__m64 *)(d + 2 * W), hi);
            _mm_storeh_pi((__m64 *)(d + 3 * W), hi);
        }
        INTERLEAVE_REST(p, i, i + 2)
    }
    INTERLEAVE_REST(0, i, r)
}

static void interleave_f64(ptrdiff_t kc, int r, int W, const double *src, ptrdiff_t ld,
                           double *restrict dst)
{
    int i = 0;
    for (; i + 4 <= r; i += 4) {
        const double *s = src + i * ld;
        ptrdiff_t p = 0;
        for (; p + 4 <= kc; p += 4) {
            __m256d r0 = _mm256_loadu_pd(s + p), r1 = _mm256_loadu_pd(s + ld + p);
            __m256d r2 = _mm256_loadu_pd(s + 2 * ld + p), r3 = _mm256_loadu_pd(s + 3 * ld + p);
            __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
            __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
            double *d = dst + p * W + i;
            _mm256_storeu_pd(d + 0 * W, _mm256_permute2f128_pd(t0, t2, 0x20));
            _mm256_storeu_pd(d + 1 * W, _mm256_permute2f128_pd(t1, t3, 0x20));
            _mm256_storeu_pd(d + 2 * W, _mm256_permute2f128_pd(t0, t2, 0x31));
            _mm256_storeu_pd(d + 3 * W, _mm256_permute2f128_pd(t1, t3, 0x31));
        }
        INTERLEAVE_REST(p, i, i + 4)
    }
    for (; i + 2 <= r; i += 2) {            /* two rows: 2 x 2 transposes */
        const double *s = src + i * ld;
        ptrdiff_t p = 0;
        for (; p + 2 <= kc; p += 2) {
            const __m128d r0 = _mm_loadu_pd(s + p), r1 = _mm_loadu_pd(s + ld + p);
            double *d = dst + p * W + i;
            _mm_storeu_pd(d, _mm_unpacklo_pd(r0, r1));
            _mm_storeu_pd(d + W, _mm_unpackhi_pd(r0, r1));
        }
        INTERLEAVE_REST(p, i, i + 2)
    }
    INTERLEAVE_REST(0, i, r)
}

#undef INTERLEAVE_REST
