/*
 * conv/winograd_kernels.h -- the Winograd kernels for one instruction set: the transforms of
 * F(2x2, 3x3) and F(4x4, 3x3), the three steps, the fused convolution and the weight gradient,
 * for float and double, as static functions, and the table that exports them.  Included
 * once by winograd.c (generic), winograd_avx2.c and winograd_avx512.c, each under its own
 * target (common/target.h): the loops are plain C, which the compiler vectorises with the
 * widest vectors the target has.  winograd.c calls the table of the instruction set the
 * convolution family uses (the im2col table's `winograd`).
 *
 * NOT a public header: read only by those three files (no include guard needed).
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/cpu.h"
#include "common/team.h"
#include "conv/winograd.h"
#include "gemm/gemm.h"
#include "gemm/problem.h"

/* Below this many values to transform, one thread: starting a team costs more. */
#define ENG_WINOGRAD_PAR_MIN 32768

/* Tiles per pass of the row transforms (their stack buffers hold this many). */
#define ENG_WINOGRAD_BLOCK 64

/* Bytes of V_blk + M_blk per block of the fused convolution (winograd_fused_body.h): the
 * block takes whole images or whole rows of tiles, as many as fit (at least one row).  64→64
 * channels at 32 x 32, batch 32, float, 1 thread: F(2x2, 3x3) with blocks of 64, 128, 256,
 * 512 tiles took 10.7, 9.5, 8.9, 8.9 ms (256 tiles is 2 MiB; smaller blocks call the GEMM
 * more often on smaller products); F(4x4, 3x3) (113 tiles in 2 MiB) 5.45, 5.39, 5.45, 5.54 ms
 * and with 1024 tiles 6.94 (the blocks no longer fit the L2 and L3 share). */
#define ENG_WINOGRAD_FUSED_BYTES (2L << 20)

/* K = (tile + 2)^2: the entries of one transformed tile (16 or 36) */
static ptrdiff_t winograd_entries(int tile)
{
    return (ptrdiff_t)(tile + 2) * (tile + 2);
}

/* How the fused kernels cut the tiles into blocks: the tile's K entries (16 or 36), the
 * output (oh, ow) and its th x tw tiles per image; each block holds `imgs` whole images (when
 * an image's tiles fit the block's bytes) or `rows` rows of tiles of one image (when they do
 * not: then per_image blocks per image), at most T_max tiles, `blocks` in all; ldv, ldm: the
 * strides between the K entries of V_blk and M_blk, C*T_max and O*T_max plus a cache line, so
 * that the K rows the transforms read or write together do not all fall into one cache set
 * (with 64 channels and 64 tiles they would be 16 KiB apart exactly).  `es` is the element
 * size.  Whole images together keep the GEMMs long for small images (an 8 x 8 output is 4
 * tiles of F(4x4, 3x3)). */
typedef struct {
    ptrdiff_t K, oh, ow, th, tw, imgs, rows, per_image, blocks, T_max, ldv, ldm;
} winograd_plan;

static winograd_plan winograd_plan_for(ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h,
                                       ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, int tile,
                                       ptrdiff_t es)
{
    winograd_plan p;
    const ptrdiff_t pad = 64 / es;
    p.K = winograd_entries(tile);
    p.oh = h + 2 * ph - 2;
    p.ow = w + 2 * pw - 2;
    p.th = (p.oh + tile - 1) / tile;
    p.tw = (p.ow + tile - 1) / tile;
    const ptrdiff_t setting = eng_winograd_block_tiles();
    const ptrdiff_t tiles = setting ? setting : ENG_WINOGRAD_FUSED_BYTES / (p.K * (C + O) * es);
    const ptrdiff_t per_image_tiles = p.th * p.tw;
    if (tiles >= per_image_tiles) {             /* whole images */
        p.imgs = tiles / per_image_tiles < n ? tiles / per_image_tiles : n;
        p.rows = p.th;
        p.per_image = 1;
        p.blocks = (n + p.imgs - 1) / p.imgs;
    } else {                                    /* rows of tiles of one image */
        p.imgs = 1;
        p.rows = tiles / p.tw > 1 ? tiles / p.tw : 1;
        p.per_image = (p.th + p.rows - 1) / p.rows;
        p.blocks = n * p.per_image;
    }
    p.T_max = p.imgs * p.rows * p.tw;
    p.ldv = C * p.T_max + pad;
    p.ldm = O * p.T_max + pad;
    return p;
}

/* Block `blk` of plan p: images img0 .. img0+imgs-1, tile rows i0 .. i1-1 of each. */
static void winograd_block(const winograd_plan *p, ptrdiff_t n, ptrdiff_t blk, ptrdiff_t *img0,
                           ptrdiff_t *imgs, ptrdiff_t *i0, ptrdiff_t *i1)
{
    *img0 = blk / p->per_image * p->imgs;
    *imgs = n - *img0 < p->imgs ? n - *img0 : p->imgs;
    *i0 = blk % p->per_image * p->rows;
    *i1 = *i0 + p->rows < p->th ? *i0 + p->rows : p->th;
}

/* The calling thread's buffer of at least `bytes` (64-byte aligned), kept for the next call
 * so that a training loop does not allocate and page-fault on every convolution, and freed
 * when the thread ends: one of the GEMM's per-thread workspaces (gemm/workspace.c). */
static void *winograd_fused_buffer(size_t bytes)
{
    return eng_gemm_workspace(ENG_WINOGRAD_FUSED, bytes);
}

#define ENG_TEMPLATE "conv/winograd_body.h"
#include "common/template.h"
#define ENG_TEMPLATE "conv/winograd4_body.h"
#include "common/template.h"
#define ENG_TEMPLATE "conv/winograd_steps_body.h"
#include "common/template.h"
#define ENG_TEMPLATE "conv/winograd_fused_body.h"
#include "common/template.h"
#define ENG_TEMPLATE "conv/winograd_grad_body.h"
#include "common/template.h"

/* the table of the file that included this one */
#define ENG_WINOGRAD_TABLE { wg_filter_f32, wg_filter_f64, wg_input_f32, wg_input_f64,  \
                             wg_output_f32, wg_output_f64, wg_conv_f32, wg_conv_f64,    \
                             wg_weight_grad_f32, wg_weight_grad_f64 }
