/*
 * common/cpu.h -- what can this processor do, and how many threads may we use?
 *
 * The compiled kernels exist in several versions, one per instruction set
 * (generic SSE2, AVX2+FMA, AVX-512).  These helpers ask the CPU at run time
 * which versions are safe to execute (common/isa.c uses them to pick one),
 * so one binary runs everywhere and is still fast on new hardware.
 *
 * They also hold the library-wide thread count that every OpenMP
 * `num_threads(...)` clause uses.
 *
 * The files of common/ (what every kernel family uses), in reading order:
 *   cpu.h cpu.c   this file: CPU features, the thread count
 *   isa.h isa.c   the one instruction-set registry: the table of families, and which
 *                 version of each one runs
 *   target.h      how an instruction-set file compiles its kernels for its target
 *   template.h    the float/double template convention: REAL and SFX(name)
 *   simd.h        AVX2 and AVX-512 intrinsics under per-type names, for template bodies
 *   vmath.h       exp, expm1, log1p (and sqrt) that the compiler can vectorise
 *
 * Plain C99, no Python headers.
 */
#ifndef ENGINE_CPU_H
#define ENGINE_CPU_H

/* ENG_X86_GNUC is 1 when we compile for x86/x86-64 with GCC or clang: only
 * then can we ask the CPU for its features and compile per-ISA code. */
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define ENG_X86_GNUC 1
#else
#define ENG_X86_GNUC 0
#endif

/* A small function the compiler must inline (vmath.h's helpers, the softmax tasks): GCC and
 * clang take the attribute, MSVC its keyword, anything else the hint. */
#if defined(__GNUC__)
#define ENG_FORCE_INLINE static inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define ENG_FORCE_INLINE static __forceinline
#else
#define ENG_FORCE_INLINE static inline
#endif

/* Bits returned by eng_cpu_feature_bits(). */
enum {
    ENG_CPU_SSE2     = 1 << 0,
    ENG_CPU_AVX      = 1 << 1,
    ENG_CPU_AVX2     = 1 << 2,
    ENG_CPU_FMA      = 1 << 3,
    ENG_CPU_AVX512F  = 1 << 4,
    ENG_CPU_AVX512DQ = 1 << 5,
    ENG_CPU_AVX512BW = 1 << 6,
    ENG_CPU_AVX512VL = 1 << 7,
    ENG_CPU_AVX512CD = 1 << 8
};

/* All ENG_CPU_* bits this CPU supports (0 when unknown / not x86). */
unsigned eng_cpu_feature_bits(void);

/* 1 if the CPU can run the AVX2+FMA kernels, else 0. */
int eng_cpu_has_avx2_fma(void);

/* 1 if the CPU has AVX-512 F, DQ, BW and VL (what our AVX-512 kernels use). */
int eng_cpu_has_avx512(void);

/* Threads used by every parallel kernel.  Default: omp_get_max_threads()
 * when compiled with OpenMP, otherwise 1.  n < 1 is treated as 1, n above
 * eng_max_threads() as eng_max_threads().
 * eng_set_num_threads fixes the count; eng_set_num_threads_adaptive sets the most, and the
 * kernels use fewer while other programs hold our cores, starting afresh from `start`, or
 * with start < 1 going on from where the adaptation was (common/team.h).
 * eng_get_num_threads: the count to use now; eng_num_threads_set: the count set. */
void eng_set_num_threads(int n);
void eng_set_num_threads_adaptive(int most, int start);
int eng_get_num_threads(void);
int eng_num_threads_set(void);

/* The largest thread count eng_set_num_threads keeps (larger ones are clamped to it):
 * 4 x the logical CPUs OpenMP sees, at least ENG_MAX_THREADS_FLOOR. */
#define ENG_MAX_THREADS_FLOOR 64
int eng_max_threads(void);

/* 1 if this library was compiled with OpenMP, else 0. */
int eng_openmp_enabled(void);

#endif /* ENGINE_CPU_H */
