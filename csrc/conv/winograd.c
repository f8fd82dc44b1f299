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
