/*
 * optim/avx512.c -- the optimizer steps compiled for AVX-512 (16 floats per vector).
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX512_WIDE
#include "optim/kernels.h"
ENG_TARGET_END
const eng_optim_table eng_optim_avx512 = ENG_OPTIM_TABLE;
#endif
