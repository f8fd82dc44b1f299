/*
 * conv/winograd.c -- the F(2x2, 3x3) transforms for float and double (see winograd.h).
 */
#include "common/cpu.h"
#include "conv/winograd.h"

/* Below this many values to transform, one thread: starting a team costs more. */
#define ENG_WINOGRAD_PAR_MIN 32768

/* Tiles the input transform buffers before writing each of its 16 rows of V. */
#define ENG_WINOGRAD_BLOCK 64

#define ENG_TEMPLATE "conv/winograd_body.h"
#include "common/template.h"
