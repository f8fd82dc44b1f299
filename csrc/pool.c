/*
 * pool.c -- max / average pooling, float32 and float64 (see pool.h).
 *
 * Portable C: memory-bound loops that gcc vectorises at -O3; no per-ISA builds.
 */
#include "pool.h"
#include "cpu.h"

/* below this many input elements one thread is faster than waking more */
#define ENG_PAR_MIN_POOL 65536

#define REAL float
#define SFX(name) name##_f32
#include "pool_body.h"
#undef REAL
#undef SFX

#define REAL double
#define SFX(name) name##_f64
#include "pool_body.h"
#undef REAL
#undef SFX
