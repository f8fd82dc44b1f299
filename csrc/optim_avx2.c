/*
 * optim_avx2.c -- the optimizer kernels compiled for AVX2 + FMA (8 floats per
 * vector: Adam's square root and division are the costly part, twice as wide here).
 */
#include "cpu.h"
#include "optim_table.h"

#if ENG_X86_GNUC
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif

#include "optim_kernels.h"

#if defined(__clang__)
#pragma clang attribute pop
#endif
const eng_optim_table eng_optim_table_avx2 = { "avx2", 1, OPTIM_TABLE_ENTRIES };
#else
const eng_optim_table eng_optim_table_avx2 = { "avx2", 0, NULL, NULL, NULL, NULL,
                                               NULL, NULL, NULL, NULL };
#endif
