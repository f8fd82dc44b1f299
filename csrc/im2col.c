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

static const eng_im2col_table *table_by_name(const char *name)
{
    if (name == NULL)
        return NULL;
    if (strcmp(name, "generic") == 0)
        return &eng_im2col_table_generic;
    if (strcmp(name, "avx2") == 0)
        return &eng_im2col_table_avx2;
    if (strcmp(name, "avx512") == 0)
        return &eng_im2col_table_avx512;
    return NULL;
}

int eng_im2col_isa_available(const char *name)
{
    const eng_im2col_table *t = table_by_name(name);
    if (t == NULL || !t->compiled)
        return 0;
    if (t == &eng_im2col_table_avx2)
        return eng_cpu_has_avx2_fma();
    if (t == &eng_im2col_table_avx512)
        return eng_cpu_has_avx512();
    return 1;
}

/* The table in use; NULL until the first call picks the best one (threads racing through
 * the first call store the same value, so no lock). */
static const eng_im2col_table *g_current = NULL;

static const eng_im2col_table *table(void)
{
    if (g_current == NULL) {
        if (eng_im2col_isa_available("avx512"))
            g_current = &eng_im2col_table_avx512;
        else if (eng_im2col_isa_available("avx2"))
            g_current = &eng_im2col_table_avx2;
        else
            g_current = &eng_im2col_table_generic;
    }
    return g_current;
}

const char *eng_im2col_isa(void)
{
    return table()->name;
}

int eng_im2col_set_isa(const char *name)
{
    const eng_im2col_table *t = table_by_name(name);
    if (t == NULL)
        return -1;
    if (!eng_im2col_isa_available(name))
        return -2;
    g_current = t;
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
