/*
 * conv/by_chunk.c -- the im2col path in cache-sized chunks of images (conv.h): the sizes,
 * and by_chunk_body.h for float and double.
 */
#include <stdint.h>

#include "common/team.h"
#include "conv/conv.h"
#include "gemm/gemm.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static ptrdiff_t chunk_rows(const eng_conv_geometry *g)          /* C*K */
{
    return g->channels * g->kernel[0] * g->kernel[1] * g->kernel[2];
}

static ptrdiff_t chunk_positions(const eng_conv_geometry *g)     /* L */
{
    return g->out[0] * g->out[1] * g->out[2];
}

static ptrdiff_t chunk_input(const eng_conv_geometry *g)         /* C*D*H*W */
{
    return g->channels * g->in[0] * g->in[1] * g->in[2];
}

/* Values of a thread's buffers per image of a chunk: its columns (C*K x L), and its output
 * block (O x L: the forward's result, the backward's dY). */
static ptrdiff_t chunk_per_image(const eng_conv_geometry *g, ptrdiff_t O)
{
    return (chunk_rows(g) + O) * chunk_positions(g);
}

/* The calling thread's number in its team (0 outside a parallel region): its buffers. */
static ptrdiff_t this_thread(void)
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

static ptrdiff_t min_images(ptrdiff_t a, ptrdiff_t b)
{
    return a < b ? a : b;
}

ptrdiff_t eng_conv_chunk_images(ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g,
                                size_t es)
{
    const double per_image = (double)chunk_per_image(g, O) * (double)es;
    const double fit = (double)ENG_CONV_CHUNK_BYTES / (per_image > 0 ? per_image : 1);
    ptrdiff_t m = fit < 1 ? 1 : (ptrdiff_t)fit;
    return m < n ? m : (n > 0 ? n : 1);
}

ptrdiff_t eng_conv_chunk_groups(ptrdiff_t n)
{
    return n < ENG_CONV_CHUNK_GROUPS ? n : ENG_CONV_CHUNK_GROUPS;
}

/* a * b, or -1 when either is negative or the product exceeds PTRDIFF_MAX */
static ptrdiff_t checked_product(ptrdiff_t a, ptrdiff_t b)
{
    if (a < 0 || b < 0 || (b != 0 && a > PTRDIFF_MAX / b))
        return -1;
    return a * b;
}

ptrdiff_t eng_conv_by_chunk_work(ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g,
                                 size_t es, int threads, int backward)
{
    const ptrdiff_t m = eng_conv_chunk_images(n, O, g, es);
    const ptrdiff_t per_image = checked_product(chunk_rows(g) + O, chunk_positions(g));
    const ptrdiff_t buffers = checked_product(checked_product(m, per_image), threads);
    const ptrdiff_t parts = checked_product(eng_conv_chunk_groups(n),
                                            checked_product(chunk_rows(g), O));
    if (per_image < 0 || buffers < 0 || parts < 0 || (backward && buffers > PTRDIFF_MAX - parts))
        return -1;
    return backward ? buffers + parts : buffers;
}

#define ENG_TEMPLATE "conv/by_chunk_body.h"
#include "common/template.h"
