/*
 * activation/avx2.c -- the activation kernels compiled for AVX2 + FMA (256-bit vectors).
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX2
#include "activation/kernels.h"
ENG_TARGET_END
const eng_activation_table eng_activation_avx2 = ENG_ACTIVATION_TABLE;
#endif
