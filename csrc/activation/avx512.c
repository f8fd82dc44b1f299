/*
 * activation/avx512.c -- the activation kernels compiled for AVX-512 (512-bit vectors).
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX512_WIDE
#include "activation/kernels.h"
ENG_TARGET_END
const eng_activation_table eng_activation_avx512 = ENG_ACTIVATION_TABLE;
#endif
