/*
 * common/cpu.c -- run-time CPU feature detection and the global thread count.
 *
 * Feature detection uses GCC/clang's __builtin_cpu_supports(), which reads
 * the CPUID instruction (and checks that the OS saves the wide registers).
 * On other compilers or processors every query answers "no", so only the
 * generic kernels are ever selected.
 */
#include "common/cpu.h"
#include "common/team.h"

#ifdef _OPENMP
#include <omp.h>
#endif

unsigned eng_cpu_feature_bits(void)
{
    unsigned bits = 0;
#if ENG_X86_GNUC
    __builtin_cpu_init();
    if (__builtin_cpu_supports("sse2"))     bits |= ENG_CPU_SSE2;
    if (__builtin_cpu_supports("avx"))      bits |= ENG_CPU_AVX;
    if (__builtin_cpu_supports("avx2"))     bits |= ENG_CPU_AVX2;
    if (__builtin_cpu_supports("fma"))      bits |= ENG_CPU_FMA;
    if (__builtin_cpu_supports("avx512f"))  bits |= ENG_CPU_AVX512F;
    if (__builtin_cpu_supports("avx512dq")) bits |= ENG_CPU_AVX512DQ;
    if (__builtin_cpu_supports("avx512bw")) bits |= ENG_CPU_AVX512BW;
    if (__builtin_cpu_supports("avx512vl")) bits |= ENG_CPU_AVX512VL;
    if (__builtin_cpu_supports("avx512cd")) bits |= ENG_CPU_AVX512CD;
#endif
    return bits;
}

int eng_cpu_has_avx2_fma(void)
{
    const unsigned need = ENG_CPU_AVX2 | ENG_CPU_FMA;
    return (eng_cpu_feature_bits() & need) == need;
}

int eng_cpu_has_avx512(void)
{
    const unsigned need = ENG_CPU_AVX512F | ENG_CPU_AVX512DQ |
                          ENG_CPU_AVX512BW | ENG_CPU_AVX512VL;
    /* Our AVX-512 kernels are also compiled with AVX2+FMA enabled. */
    return (eng_cpu_feature_bits() & need) == need && eng_cpu_has_avx2_fma();
}

/* 0 means "not chosen yet": the first query fills in the default. */
static int g_num_threads = 0;

/* The most threads a parallel kernel may start: 4 per logical CPU, at least 64.  Far more
 * threads than cores only waits longer, and a count in the millions makes the OpenMP runtime
 * fail to allocate its team (GNU OpenMP then exits the process) or the system refuse the
 * threads.  The Python wrappers refuse a larger count; here it is clamped, so no path into
 * C can start more. */
int eng_max_threads(void)
{
    int procs = 1;
#ifdef _OPENMP
    procs = omp_get_num_procs();
#endif
    if (procs > 1 << 20)
        procs = 1 << 20;                /* keeps 4 * procs an int */
    return 4 * procs > ENG_MAX_THREADS_FLOOR ? 4 * procs : ENG_MAX_THREADS_FLOOR;
}

static int clamp_threads(int n)
{
    const int most = eng_max_threads();
    return n < 1 ? 1 : n > most ? most : n;
}

void eng_set_num_threads(int n)
{
    g_num_threads = clamp_threads(n);
    eng_team_reset(g_num_threads, 0, g_num_threads);
}

void eng_set_num_threads_adaptive(int most, int start)
{
    g_num_threads = clamp_threads(most);
    eng_team_reset(g_num_threads, 1, start);
}

int eng_num_threads_set(void)
{
    if (g_num_threads < 1) {
#ifdef _OPENMP
        eng_set_num_threads(omp_get_max_threads());
#else
        eng_set_num_threads(1);
#endif
    }
    return g_num_threads;
}

int eng_get_num_threads(void)
{
    return eng_team_threads(eng_num_threads_set());
}

int eng_openmp_enabled(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}
