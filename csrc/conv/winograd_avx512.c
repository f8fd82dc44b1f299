/*
 * conv/winograd_avx512.c -- the Winograd kernels (conv/winograd_kernels.h) compiled for
 * AVX-512, with 512-bit vectors: their loops are plain C, which the compiler vectorises for
 * the target.
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX512_WIDE
#include "conv/winograd_kernels.h"
ENG_TARGET_END
const eng_winograd_table eng_winograd_avx512 = ENG_WINOGRAD_TABLE;
#endif
