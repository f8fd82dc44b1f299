/*
 * optim_generic.c -- the optimizer kernels for the build's baseline ISA (SSE2 on
 * x86-64; whatever the compiler targets elsewhere).  Always available.
 */
#include "optim_kernels.h"

const eng_optim_table eng_optim_table_generic = { "generic", 1, OPTIM_TABLE_ENTRIES };
