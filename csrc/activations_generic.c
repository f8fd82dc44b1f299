/*
 * activations_generic.c -- the activation kernels for any CPU.
 *
 * No target pragma: compiled for the baseline of the build (on x86-64 that
 * is SSE2, which every x86-64 CPU has).  This table is always available.
 */
#include "activations_kernels.h"

const eng_act_table eng_act_table_generic = { "generic", 1, &kernels_f32, &kernels_f64 };
