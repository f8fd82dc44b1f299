/*
 * activations_avx2.c -- the activation kernels compiled for AVX2 + FMA.
 *
 * The pragma switches on AVX2/FMA code generation for everything below it
 * (256-bit ymm registers), so the shared kernel source becomes AVX2 code.
 * activations.c only selects this table when the CPU reports AVX2 and FMA.
 * On other compilers / processors the table is marked as not compiled.
 */
#include "cpu.h"
#include "activations_table.h"

#if ENG_X86_GNUC
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif

#include "activations_kernels.h"

#if defined(__clang__)
#pragma clang attribute pop
#endif
const eng_act_table eng_act_table_avx2 = { "avx2", 1, &kernels_f32, &kernels_f64 };
#else
const eng_act_table eng_act_table_avx2 = { "avx2", 0, NULL, NULL };
#endif
