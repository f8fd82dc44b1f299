/*
 * im2col.c -- im2col / col2im, float32 and float64 (see im2col.h).
 *
 * Portable C (with GCC/clang vector types for the short runs of small
 * images); memory-bound, so no per-ISA builds.
 */
#include <string.h>

#include "im2col.h"
#include "cpu.h"

/* below this many copied elements a single thread is faster than waking more */
#define ENG_PAR_MIN_COPY 65536

#define REAL float
#define SFX(name) name##_f32
#include "im2col_body.h"
#undef REAL
#undef SFX

#define REAL double
#define SFX(name) name##_f64
#include "im2col_body.h"
#undef REAL
#undef SFX
