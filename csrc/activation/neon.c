/*
 * activation/neon.c -- the activation kernels compiled for aarch64's NEON (128-bit vectors:
 * 4 floats, 2 doubles).
 *
 * NEON is part of every aarch64 CPU, so there is no target to set and no run-time check:
 * the compiler vectorises kernels.h's loops (and vmath.h's exp, expm1, log1p) with NEON
 * here just as avx2.c has them vectorised with AVX2.  On any other architecture the file
 * compiles to nothing.
 */
#if defined(__aarch64__) || defined(_M_ARM64)
#include "activation/kernels.h"

const eng_activation_table eng_activation_neon = ENG_ACTIVATION_TABLE;
#endif
