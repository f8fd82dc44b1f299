/*
 * im2col.c -- im2col / col2im, float32 and float64 (see im2col.h).
 *
 * The portable loops here handle every geometry.  A unit width stride goes to the vector
 * versions of the instruction set in use instead (im2col_table.h): by default the best
 * this CPU runs, unless eng_im2col_set_isa chose another ("generic" keeps the portable
 * loops for everything).
 */
#include <string.h>

#include "im2col.h"
#include "im2col_table.h"
#include "cpu.h"

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

static const eng_im2col_table eng_im2col_table_generic = { "generic", 1, NULL, NULL, NULL, NULL };

static const eng_im2col_table *const TABLES[ENG_ISA_COUNT] = {
    &eng_im2col_table_generic, &eng_im2col_table_avx2, &eng_im2col_table_avx512 };

/* eng_isa_choose (cpu.h) over this family's tables */
static int choose(const char *name)
{
    const int compiled[ENG_ISA_COUNT] = { TABLES[0]->compiled, TABLES[1]->compiled,
                                          TABLES[2]->compiled };
    return eng_isa_choose(name, compiled);
}

/* The table in use; NULL until the first call picks the fastest this CPU runs (threads
 * racing through the first call store the same value, so no lock). */
static const eng_im2col_table *g_current = NULL;

static const eng_im2col_table *table(void)
{
    if (g_current == NULL)
        g_current = TABLES[choose(NULL)];
    return g_current;
}

int eng_im2col_isa_available(const char *name)
{
    return name != NULL && choose(name) >= 0;
}

const char *eng_im2col_isa(void)
{
    return table()->name;
}

int eng_im2col_set_isa(const char *name)
{
    const int isa = name == NULL ? -1 : choose(name);
    if (isa < 0)
        return isa;
    g_current = TABLES[isa];
    return 0;
}

/* the vector version when there is one and the width stride is 1, else (or if it could
 * not allocate its tables) the portable loop */
#define DISPATCH(fn, portable, in, out)                                         \
    do {                                                                        \
        const eng_im2col_table *t = table();                                    \
        if (g->stride[2] != 1 || t->fn == NULL || t->fn(in, out, n, g) != 0)    \
            portable(in, out, n, g);                                            \
    } while (0)

void eng_im2col_f32(const float *x, float *cols, ptrdiff_t n, const eng_conv_geometry *g)
{
    DISPATCH(im2col_f32, im2col_portable_f32, x, cols);
}

void eng_im2col_f64(const double *x, double *cols, ptrdiff_t n, const eng_conv_geometry *g)
{
    DISPATCH(im2col_f64, im2col_portable_f64, x, cols);
}

void eng_col2im_f32(const float *cols, float *x, ptrdiff_t n, const eng_conv_geometry *g)
{
    DISPATCH(col2im_f32, col2im_portable_f32, cols, x);
}

void eng_col2im_f64(const double *cols, double *x, ptrdiff_t n, const eng_conv_geometry *g)
{
    DISPATCH(col2im_f64, col2im_portable_f64, cols, x);
}
