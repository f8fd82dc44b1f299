/*
 * optim/avx2.c -- the optimizer steps compiled for AVX2 + FMA (8 floats per vector).
 */
#include "common/target.h"

#if ENG_X86_GNUC
ENG_TARGET_BEGIN_AVX2
#include "optim/kernels.h"
ENG_TARGET_END
const eng_optim_table eng_optim_avx2 = ENG_OPTIM_TABLE;
#endif
