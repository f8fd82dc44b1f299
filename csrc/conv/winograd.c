/*
 * conv/winograd.c -- the Winograd functions of winograd.h: each calls the version of the
 * instruction set the convolution family uses (the im2col table's `winograd`: the generic one
 * below, winograd_avx2.c or winograd_avx512.c; the kernels are conv/winograd_kernels.h).
 */
#include "common/isa.h"
#include "conv/vector.h"
#include "conv/winograd_kernels.h"

const eng_winograd_table eng_winograd_generic = ENG_WINOGRAD_TABLE;

static int g_block_tiles = 0;                  /* 0: from ENG_WINOGRAD_FUSED_BYTES */

void eng_winograd_set_block_tiles(int tiles)
{
    g_block_tiles = tiles > 0 ? tiles : 0;
}

int eng_winograd_block_tiles(void)
{
    return g_block_tiles;
}

/* the Winograd kernels of the instruction set in use */
static const eng_winograd_table *kernels(void)
{
    const eng_im2col_table *t = eng_isa_table(ENG_FAMILY_IM2COL);
    return t->winograd;
}

void eng_winograd_filter_f32(const float *w, float *u, ptrdiff_t O, ptrdiff_t C, int tile)
{
    kernels()->filter_f32(w, u, O, C, tile);
}

void eng_winograd_filter_f64(const double *w, double *u, ptrdiff_t O, ptrdiff_t C, int tile)
{
    kernels()->filter_f64(w, u, O, C, tile);
}

void eng_winograd_input_f32(const float *x, float *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                            ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, int tile)
{
    kernels()->input_f32(x, v, n, C, h, w, ph, pw, tile);
}

void eng_winograd_input_f64(const double *x, double *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                            ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, int tile)
{
    kernels()->input_f64(x, v, n, C, h, w, ph, pw, tile);
}

void eng_winograd_output_f32(const float *m, const float *bias, float *y, ptrdiff_t n,
                             ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow, int tile)
{
    kernels()->output_f32(m, bias, y, n, O, oh, ow, tile);
}

void eng_winograd_output_f64(const double *m, const double *bias, double *y, ptrdiff_t n,
                             ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow, int tile)
{
    kernels()->output_f64(m, bias, y, n, O, oh, ow, tile);
}

int eng_winograd_conv_f32(const float *x, const float *u, const float *bias, float *y,
                          ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                          ptrdiff_t ph, ptrdiff_t pw, int tile)
{
    return kernels()->conv_f32(x, u, bias, y, n, C, O, h, w, ph, pw, tile);
}

int eng_winograd_conv_f64(const double *x, const double *u, const double *bias, double *y,
                          ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                          ptrdiff_t ph, ptrdiff_t pw, int tile)
{
    return kernels()->conv_f64(x, u, bias, y, n, C, O, h, w, ph, pw, tile);
}

int eng_winograd_weight_grad_f32(const float *x, const float *gy, float *dw, ptrdiff_t n,
                                 ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                                 ptrdiff_t ph, ptrdiff_t pw, int tile)
{
    return kernels()->weight_grad_f32(x, gy, dw, n, C, O, h, w, ph, pw, tile);
}

int eng_winograd_weight_grad_f64(const double *x, const double *gy, double *dw, ptrdiff_t n,
                                 ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                                 ptrdiff_t ph, ptrdiff_t pw, int tile)
{
    return kernels()->weight_grad_f64(x, gy, dw, n, C, O, h, w, ph, pw, tile);
}
