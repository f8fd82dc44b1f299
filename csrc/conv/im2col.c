/*
 * conv/im2col.c -- im2col / col2im, float32 and float64 (see conv.h).
 *
 * The portable loops (portable.h) handle every geometry.  A unit width stride goes to the
 * vector version of the instruction set in use instead (vector.h): by default the best this
 * CPU runs, unless Python chose another ("generic" keeps the portable loops for everything).
 */
#include <string.h>

#include "common/cpu.h"
#include "common/isa.h"
#include "conv/vector.h"
#include "conv/winograd.h"

#define ENG_TEMPLATE "conv/portable.h"
#include "common/template.h"

/* the generic version has no vector loops: the portable ones do everything (and the Winograd
 * kernels are compiled for the baseline instruction set) */
const eng_im2col_table eng_im2col_generic = { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                              &eng_winograd_generic };

/* the vector version when there is one and the width stride is 1, else (or if it could
 * not allocate its tables) the portable loop */
#define DISPATCH(fn, portable, in, out)                                           \
    do {                                                                          \
        const eng_im2col_table *t = eng_isa_table(ENG_FAMILY_IM2COL);             \
        if (g->stride[2] != 1 || t->fn == NULL || t->fn(in, out, n, g) != 0)      \
            portable(in, out, n, g);                                              \
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

/* The weight gradient without columns: the vector version for a unit width stride, else
 * (or if it could not allocate its sums) the portable loop. */
#define DISPATCH_WEIGHT_GRAD(fn, portable)                                        \
    do {                                                                          \
        const eng_im2col_table *t = eng_isa_table(ENG_FAMILY_IM2COL);             \
        if (g->stride[2] != 1 || t->fn == NULL || t->fn(x, gy, gw, n, O, g) != 0) \
            portable(x, gy, gw, n, O, g);                                         \
    } while (0)

void eng_conv_weight_grad_f32(const float *x, const float *gy, float *gw, ptrdiff_t n,
                              ptrdiff_t O, const eng_conv_geometry *g)
{
    DISPATCH_WEIGHT_GRAD(weight_grad_f32, weight_grad_portable_f32);
}

void eng_conv_weight_grad_f64(const double *x, const double *gy, double *gw, ptrdiff_t n,
                              ptrdiff_t O, const eng_conv_geometry *g)
{
    DISPATCH_WEIGHT_GRAD(weight_grad_f64, weight_grad_portable_f64);
}

/* The forward without columns, when the instruction set has one for this geometry: 0, else
 * -1 (nothing written: the caller takes the im2col path). */
int eng_conv_direct_f32(const float *x, const float *w, const float *bias, float *y,
                        ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g)
{
    const eng_im2col_table *t = eng_isa_table(ENG_FAMILY_IM2COL);
    return t->direct_f32 == NULL ? -1 : t->direct_f32(x, w, bias, y, n, O, g);
}

int eng_conv_direct_f64(const double *x, const double *w, const double *bias, double *y,
                        ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g)
{
    const eng_im2col_table *t = eng_isa_table(ENG_FAMILY_IM2COL);
    return t->direct_f64 == NULL ? -1 : t->direct_f64(x, w, bias, y, n, O, g);
}
