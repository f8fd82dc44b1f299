/*
 * optim/generic.c -- the optimizer steps for any CPU: no target, so compiled for the
 * build's baseline (SSE2 on x86-64).  Always available.
 */
#include "optim/kernels.h"

const eng_optim_table eng_optim_generic = ENG_OPTIM_TABLE;
