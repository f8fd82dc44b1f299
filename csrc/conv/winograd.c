/*
 * conv/winograd.c -- the F(2x2, 3x3) transforms, the fused convolution that runs them block
 * by block with the GEMM, and the weight gradient, for float and double (see winograd.h).
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/cpu.h"
#include "conv/winograd.h"
#include "gemm/gemm.h"
#include "gemm/problem.h"

/* Below this many values to transform, one thread: starting a team costs more. */
#define ENG_WINOGRAD_PAR_MIN 32768

/* Tiles per pass of the row transforms (their stack buffers hold this many). */
#define ENG_WINOGRAD_BLOCK 64

/* Bytes of V_blk + M_blk per block of the fused convolution (winograd_fused_body.h): the
 * block takes whole rows of tiles, as many as fit (at least one row).  64→64 channels at
 * 32 x 32, batch 32, float, 1 thread (thread CPU time, engine's best of 15): blocks of 64,
 * 128, 256, 512 tiles took 10.7, 9.5, 8.9, 8.9 ms -- 256 tiles is 2 MiB; smaller blocks
 * call the GEMM more often on smaller products (each call packs its U[k] again). */
#define ENG_WINOGRAD_FUSED_BYTES (2L << 20)

static int g_block_tiles = 0;                  /* 0: from ENG_WINOGRAD_FUSED_BYTES */

void eng_winograd_set_block_tiles(int tiles)
{
    g_block_tiles = tiles > 0 ? tiles : 0;
}

/* Rows of tiles per block, for tw tiles per row and `tile_bytes` of V_blk + M_blk per tile. */
static ptrdiff_t winograd_rows_per_block(ptrdiff_t tw, ptrdiff_t tile_bytes)
{
    const ptrdiff_t tiles = g_block_tiles ? g_block_tiles : ENG_WINOGRAD_FUSED_BYTES / tile_bytes;
    return tiles / tw > 1 ? tiles / tw : 1;
}

/* How the fused kernels cut an image's tiles into blocks of whole rows of tiles: the output
 * (oh, ow), its th x tw tiles, `rows` rows of tiles per block (at most T_max tiles), blocks per
 * image and in all, and the strides ldv, ldm between the 16 entries of V_blk and M_blk:
 * C*T_max and O*T_max plus a cache line, so that the 16 rows the transforms read or write
 * together do not all fall into one cache set (with 64 channels and 64 tiles they would be
 * 16 KiB apart exactly).  `es` is the element size. */
typedef struct {
    ptrdiff_t oh, ow, th, tw, rows, per_image, blocks, T_max, ldv, ldm;
} winograd_plan;

static winograd_plan winograd_plan_for(ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h,
                                       ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, ptrdiff_t es)
{
    winograd_plan p;
    const ptrdiff_t pad = 64 / es;
    p.oh = h + 2 * ph - 2;
    p.ow = w + 2 * pw - 2;
    p.th = (p.oh + 1) / 2;
    p.tw = (p.ow + 1) / 2;
    p.rows = winograd_rows_per_block(p.tw, 16 * (C + O) * es);
    p.per_image = (p.th + p.rows - 1) / p.rows;
    p.blocks = n * p.per_image;
    p.T_max = p.rows * p.tw;
    p.ldv = C * p.T_max + pad;
    p.ldm = O * p.T_max + pad;
    return p;
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
#define ENG_TEMPLATE "conv/winograd_fused_body.h"
#include "common/template.h"
#define ENG_TEMPLATE "conv/winograd_grad_body.h"
#include "common/template.h"
