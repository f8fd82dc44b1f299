/*
 * activation/generic.c -- the activation kernels for any CPU: no target, so compiled for
 * the build's baseline (SSE2 on x86-64).  Always available.
 */
#include "activation/kernels.h"

const eng_activation_table eng_activation_generic = ENG_ACTIVATION_TABLE;
