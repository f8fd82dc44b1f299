/*
 * activations_avx512.c -- the activation kernels compiled for AVX-512.
 *
 * AVX-512 F/DQ/BW/VL plus AVX2/FMA.  prefer-vector-width=512 makes GCC use
 * the 512-bit zmm registers even when the build's tuning prefers 256-bit
 * vectors (e.g. -mtune=skylake-avx512 gives no zmm code without it).
 * activations.c only selects this table when the CPU reports all of these.
 */
#include "cpu.h"
#include "activations_table.h"

#if ENG_X86_GNUC
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"), \
                                            min_vector_width(512))), apply_to = function)
#else
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma,prefer-vector-width=512")
#endif

#include "activations_kernels.h"

#if defined(__clang__)
#pragma clang attribute pop
#endif
const eng_act_table eng_act_table_avx512 = { "avx512", 1, &kernels_f32, &kernels_f64 };
#else
const eng_act_table eng_act_table_avx512 = { "avx512", 0, NULL, NULL };
#endif
