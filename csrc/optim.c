/*
 * optim.c -- fused optimizer updates (see optim.h for the equations).
 *
 * One portable source: these loops are bound by memory traffic (a few loads
 * and stores per element, a handful of flops), so the generic SSE2 build that
 * gcc auto-vectorises is already as fast as the memory; per-ISA versions would
 * gain little.  OpenMP splits big parameters over threads; small ones (most
 * biases) stay on one thread, where starting a team would cost more than the work.
 */
#include <math.h>
#include <stddef.h>

#include "cpu.h"
#include "optim.h"

/* Elements below which one thread does the whole update. */
#define ENG_OPTIM_PARALLEL_MIN 32768

#define T float
#define SFX f32
#define SQRT sqrtf
#include "optim_body.h"
#undef T
#undef SFX
#undef SQRT

#define T double
#define SFX f64
#define SQRT sqrt
#include "optim_body.h"
#undef T
#undef SFX
#undef SQRT
