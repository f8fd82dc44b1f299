/*
 * optim_avx512.c -- the optimizer kernels compiled for AVX-512 (16 floats per
 * vector: Adam's square root and division are the costly part, 4x SSE2's width).
 */
#include "cpu.h"
#include "optim_table.h"

#if ENG_X86_GNUC
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,prefer-vector-width=512")
#endif

#include "optim_kernels.h"

#if defined(__clang__)
#pragma clang attribute pop
#endif
const eng_optim_table eng_optim_table_avx512 = { "avx512", 1, OPTIM_TABLE_ENTRIES };
#else
const eng_optim_table eng_optim_table_avx512 = { "avx512", 0, NULL, NULL, NULL, NULL,
                                                 NULL, NULL, NULL, NULL };
#endif
