/*
 * gemm/peak.c -- how many flops per second can this machine do at most?
 *
 * A GEMM's efficiency is its speed divided by the machine's peak: the rate
 * of fused multiply-adds the FMA units can sustain.  We measure it instead
 * of computing it from data sheets (clock speeds under load vary): a loop
 * of many *independent* FMA chains,
 *
 *     acc[r] = acc[r] * x + y      for r = 0..NACC-1, repeated
 *
 * An FMA's result is ready only after ~4 cycles and a core starts one or
 * two per cycle, so at least 8 chains must be in flight to keep the units
 * busy.  NACC chains + x + y must all fit in registers (a spill to memory
 * would measure the loads instead): 12 of the 16 xmm/ymm registers of
 * SSE2/AVX2, 24 of the 32 zmm registers of AVX-512.  Each FMA on a vector of L lanes counts as
 * 2*L flops.  The loop runs about 50 ms on each of `threads` threads.
 *
 * The generic (SSE2) version has no FMA instruction: a multiply and an add,
 * still 2 flops per lane.
 */
#include <limits.h>
#include <string.h>
#include <time.h>

#include "common/cpu.h"
#include "common/isa.h"
#include "gemm/gemm.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#define NACC 12          /* SSE2 and AVX2: 16 registers */
#define NACC_AVX512 24   /* AVX-512: 32 registers */

static double now(void)
{
#ifdef _OPENMP
    return omp_get_wtime();
#else
    return (double)clock() / CLOCKS_PER_SEC;
#endif
}

/* Each function runs `iters` rounds of NACC vector FMAs and returns a value
 * that depends on all of them (so the compiler cannot drop the loop). */

static double chains_generic_f32(long iters)
{
    float acc[NACC][4];
    for (int r = 0; r < NACC; r++)
        for (int l = 0; l < 4; l++)
            acc[r][l] = (float)r;
    const float x = 0.999999f, y = 1e-6f;
    for (long it = 0; it < iters; it++)
        for (int r = 0; r < NACC; r++)
            for (int l = 0; l < 4; l++)
                acc[r][l] = acc[r][l] * x + y;
    double s = 0;
    for (int r = 0; r < NACC; r++)
        for (int l = 0; l < 4; l++)
            s += acc[r][l];
    return s;
}

static double chains_generic_f64(long iters)
{
    double acc[NACC][2];
    for (int r = 0; r < NACC; r++)
        for (int l = 0; l < 2; l++)
            acc[r][l] = r;
    const double x = 0.999999, y = 1e-6;
    for (long it = 0; it < iters; it++)
        for (int r = 0; r < NACC; r++)
            for (int l = 0; l < 2; l++)
                acc[r][l] = acc[r][l] * x + y;
    double s = 0;
    for (int r = 0; r < NACC; r++)
        for (int l = 0; l < 2; l++)
            s += acc[r][l];
    return s;
}

#if ENG_X86_GNUC
#include <immintrin.h>

#define CHAINS(NAME, NACC, TARGET, VEC, REAL, SET1, FMA, STORE, LANES)               \
    __attribute__((target(TARGET))) static double NAME(long iters)                 \
    {                                                                              \
        VEC acc[NACC];                                                             \
        for (int r = 0; r < NACC; r++)                                             \
            acc[r] = SET1((REAL)r);                                                \
        const VEC x = SET1((REAL)0.999999), y = SET1((REAL)1e-6);                  \
        for (long it = 0; it < iters; it++) {                                      \
            _Pragma("GCC unroll 24")                                               \
            for (int r = 0; r < NACC; r++)                                         \
                acc[r] = FMA(acc[r], x, y);                                        \
        }                                                                          \
        REAL out[LANES];                                                           \
        double s = 0;                                                              \
        for (int r = 0; r < NACC; r++) {                                           \
            STORE(out, acc[r]);                                                    \
            for (int l = 0; l < LANES; l++)                                        \
                s += out[l];                                                       \
        }                                                                          \
        return s;                                                                  \
    }

CHAINS(chains_avx2_f32, NACC, "avx2,fma", __m256, float, _mm256_set1_ps, _mm256_fmadd_ps,
       _mm256_storeu_ps, 8)
CHAINS(chains_avx2_f64, NACC, "avx2,fma", __m256d, double, _mm256_set1_pd, _mm256_fmadd_pd,
       _mm256_storeu_pd, 4)
CHAINS(chains_avx512_f32, NACC_AVX512, "avx512f,avx2,fma", __m512, float, _mm512_set1_ps, _mm512_fmadd_ps,
       _mm512_storeu_ps, 16)
CHAINS(chains_avx512_f64, NACC_AVX512, "avx512f,avx2,fma", __m512d, double, _mm512_set1_pd, _mm512_fmadd_pd,
       _mm512_storeu_pd, 8)
#endif

typedef double (*chains_fn)(long iters);

double eng_measure_peak_gflops(int is_f64, const char *isa, int threads)
{
    chains_fn fn = NULL;
    int lanes = 0, chains = NACC;
    if (isa == NULL || !eng_isa_available(ENG_FAMILY_GEMM, isa))
        return -1;
    if (strcmp(isa, "generic") == 0) {
        fn = is_f64 ? chains_generic_f64 : chains_generic_f32;
        lanes = is_f64 ? 2 : 4;
    }
#if defined(__aarch64__) || defined(_M_ARM64)
    else if (strcmp(isa, "neon") == 0) {          /* the generic chains are NEON code there */
        fn = is_f64 ? chains_generic_f64 : chains_generic_f32;
        lanes = is_f64 ? 2 : 4;
    }
#endif
#if ENG_X86_GNUC
    else if (strcmp(isa, "avx2") == 0) {
        fn = is_f64 ? chains_avx2_f64 : chains_avx2_f32;
        lanes = is_f64 ? 4 : 8;
    } else if (strcmp(isa, "avx512") == 0) {
        fn = is_f64 ? chains_avx512_f64 : chains_avx512_f32;
        lanes = is_f64 ? 8 : 16;
        chains = NACC_AVX512;
    }
#endif
    if (fn == NULL)
        return -1;
    if (threads < 1)
        threads = 1;
    if (threads > eng_max_threads())
        threads = eng_max_threads();    /* as eng_set_num_threads: no runaway team */
#ifndef _OPENMP
    threads = 1;                    /* a serial build runs one copy of the loop */
#endif

    /* Calibrate: grow the count until one run takes ~5 ms, then run ~50 ms. */
    long iters = 10000;
    volatile double sink = 0;
    double t = 0;
    for (;;) {
        double t0 = now();
        sink += fn(iters);
        t = now() - t0;
        if (t > 5e-3 || iters > LONG_MAX / 8)     /* long: 32 bits on Windows */
            break;
        iters *= 4;
    }
    const double want = iters * (50e-3 / t);
    iters = want < (double)(LONG_MAX / 2) ? (long)want + 1 : LONG_MAX / 2;

    double best = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        #pragma omp parallel num_threads(threads)
        {
            double s = fn(iters);
#ifdef _OPENMP  /* (-fopenmp-simd warns on it in a serial build) */
            #pragma omp atomic
#endif
            sink += s;
        }
        double dt = now() - t0;
        double gflops = 2.0 * lanes * chains * (double)iters * threads / dt * 1e-9;
        if (gflops > best)
            best = gflops;
    }
    return best;
}
