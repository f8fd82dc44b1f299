/*
 * activations_kernels.h -- instantiate the kernel source for float and double.
 *
 * Included exactly once by each ISA file (activations_generic.c,
 * activations_avx2.c, activations_avx512.c), AFTER that file's
 * `#pragma GCC target(...)`, so every function below -- including the
 * inlined vmath.h helpers and the OpenMP-outlined loop bodies -- is compiled
 * for that instruction set.
 *
 * The one level of templating: activations_body.h is included twice,
 *     REAL = float,  SFX(name) = name##_f32   ->  relu_forward_f32, ...
 *     REAL = double, SFX(name) = name##_f64   ->  relu_forward_f64, ...
 * and ends by defining the static tables kernels_f32 / kernels_f64.
 */
#include <math.h>
#include <stdlib.h>
#include "cpu.h"
#include "vmath.h"
#include "activations_table.h"

/* Below these sizes a kernel runs on one thread: starting a parallel region
 * costs a few microseconds, more than a small array takes. */
#define ENG_PAR_MIN_CHEAP (1 << 15)   /* relu-like, memory bound          */
#define ENG_PAR_MIN_EXP   (1 << 12)   /* one exp/log per element          */

/* softmax with inner > 1 / prelu: work is split into pieces of this size */
#define ENG_BLOCK 256                 /* columns per softmax task          */
#define ENG_CHUNK (1 << 14)           /* elements per prelu task           */

#define REAL float
#define SFX(name) name##_f32
#include "activations_body.h"
#undef REAL
#undef SFX

#define REAL double
#define SFX(name) name##_f64
#include "activations_body.h"
#undef REAL
#undef SFX
