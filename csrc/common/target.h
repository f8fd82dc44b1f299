/*
 * common/target.h -- compiling one file's kernels for one instruction set.
 *
 * Each kernel family has one .c file per instruction set (generic.c, avx2.c, avx512.c),
 * and each of them compiles the family's kernel source for its own target:
 *
 *     #include "common/target.h"
 *     #if ENG_X86_GNUC                       only GCC/clang on x86 have these targets
 *     ENG_TARGET_BEGIN_AVX2                  everything below is AVX2+FMA code ...
 *     #include "optim/kernels.h"             ... the kernels, inlined helpers included
 *     ENG_TARGET_END
 *     const eng_optim_table eng_optim_avx2 = ENG_OPTIM_TABLE;
 *     #endif
 *
 * The target applies to every function that follows, also to the vmath.h helpers inlined
 * into them and to the loop bodies OpenMP outlines, so the whole file becomes code for that
 * instruction set -- and only that file: the build never uses -march=native, and
 * common/isa.c runs a version only on a CPU that reports its features.  The generic file
 * has no target: it is compiled for the build's baseline (SSE2 on x86-64).
 *
 *   ENG_TARGET_BEGIN_AVX2          AVX2 + FMA: 256-bit ymm registers
 *   ENG_TARGET_BEGIN_AVX512        AVX-512 F, DQ, BW, VL (+ AVX2, FMA): for intrinsics
 *   ENG_TARGET_BEGIN_AVX512_WIDE   the same, and 512-bit vectors for loops the compiler
 *                                  vectorises itself: GCC's tuning may prefer 256-bit
 *                                  ones (e.g. -mtune=skylake-avx512 gives no zmm code)
 */
#ifndef ENGINE_COMMON_TARGET_H
#define ENGINE_COMMON_TARGET_H

#include "common/cpu.h"

/* _Pragma from unquoted text, after expanding the macros in it */
#define ENG_PRAGMA(...) ENG_PRAGMA_(__VA_ARGS__)
#define ENG_PRAGMA_(...) _Pragma(#__VA_ARGS__)

#define ENG_AVX2_FEATURES "avx2,fma"
#define ENG_AVX512_FEATURES "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"

#if defined(__clang__)
/* clang: the pushed attribute applies to every function up to the pop (END).  One attribute
 * per push (clang 14 rejects a list).  WIDE is the plain AVX-512 target: clang's default
 * tuning already vectorises loops with 512-bit vectors for it (the build never passes
 * -mtune), and min_vector_width pushed over immintrin.h would clash with its own. */
#define ENG_CLANG_TARGET(features) \
    ENG_PRAGMA(clang attribute push(__attribute__((target(features))), apply_to = function))
#define ENG_TARGET_BEGIN_AVX2 ENG_CLANG_TARGET(ENG_AVX2_FEATURES)
#define ENG_TARGET_BEGIN_AVX512 ENG_CLANG_TARGET(ENG_AVX512_FEATURES)
#define ENG_TARGET_BEGIN_AVX512_WIDE ENG_CLANG_TARGET(ENG_AVX512_FEATURES)
#define ENG_TARGET_END ENG_PRAGMA(clang attribute pop)
#else
/* GCC: the pragma holds to the end of the file (what follows END is data, not code) */
#define ENG_TARGET_BEGIN_AVX2 ENG_PRAGMA(GCC target(ENG_AVX2_FEATURES))
#define ENG_TARGET_BEGIN_AVX512 ENG_PRAGMA(GCC target(ENG_AVX512_FEATURES))
#define ENG_TARGET_BEGIN_AVX512_WIDE \
    ENG_PRAGMA(GCC target(ENG_AVX512_FEATURES, "prefer-vector-width=512"))
#define ENG_TARGET_END
#endif

#endif /* ENGINE_COMMON_TARGET_H */
