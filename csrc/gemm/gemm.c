/*
 * gemm/gemm.c -- C = alpha * op(A) * op(B) + beta * C: which way each product goes.
 *
 * Every call (typed.h's eng_gemm_f32 / _f64) takes one of three paths:
 *
 *   - tiny problems (m*n*k <= small_max) run the triple loop of reference.h:
 *     packing and a parallel region would cost more than the arithmetic;
 *   - few entries of C and a long k, with op(A)'s rows and op(B)'s columns
 *     contiguous (a convolution's weight gradient), run the dot-product path
 *     (use_dot below, dot.h);
 *   - everything else runs the five loops of loops.c, with a register-block
 *     shape and cache blocks chosen here; when n is a few columns past a whole
 *     number of vectors, only the columns up to there (ragged_columns below): the
 *     last ones are then computed as dot products (ragged.h).
 *
 * Register-block shape: an ISA may offer several (kernels.h); each call takes the one that
 * costs the least (choose_shape): for a small product the time of its tiles, for a larger
 * one the padded tile area, so LeNet's 6 x 25 x 50176 product runs a 6-row kernel instead
 * of using 6 of 14 rows.
 *
 * Direct B: when B's rows are contiguous and either C has few rows (m <=
 * 2 MR: each packed B element would be used by only one or two micro-panels
 * of A, so copying B costs as much as computing with it), or B is small
 * (<= 128 KiB: it stays in L1/L2 as it is, e.g. a 64 x 64 product), or m and k are
 * both moderate (a copy of B is then used by few micro-panels of A, and each read in
 * place spans few rows of B: blocking.h), the micro-kernel reads B in place (ldb = B's
 * row stride).  A ragged last micro-panel of
 * B is read in place by the ISA's edge kernel, with masks (kernels.h), or else packed
 * (its zero padding is then needed).
 *
 * Direct A: likewise, when A's rows are contiguous, the ISA's direct-A kernel broadcasts
 * A's values from A itself instead of a packed copy (a transposing copy that costs about as
 * much as the arithmetic it serves when B has few micro-panels, and a few percent when it
 * has many); only a ragged last MR rows are packed, or read as the MR rows that end at C's
 * last row (loops.c).  Which kernels do so, and when, was measured: reads_a_in_place
 * below, blocking.h.
 *
 * Edges: a tile cut by C's last rows or columns is computed by the ISA's edge kernel with
 * the vectors that hold its columns and stored with masks, or else in a scratch tile that
 * is copied out (typed.h).
 *
 * The test hooks of gemm.h (eng_gemm_set_blocking, _set_shape, _set_dot)
 * override these choices.
 */
#include <stdlib.h>

#include "common/cpu.h"
#include "common/isa.h"
#include "gemm/blocking.h"
#include "gemm/gemm.h"
#include "gemm/problem.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* the kernels of the instruction set in use (common/isa.h) */
static const eng_gemm_kernels *kernels(void)
{
    return eng_isa_table(ENG_FAMILY_GEMM);
}

/* ---- block sizes ------------------------------------------------------------ */

static int g_kc = 0, g_mc = 0, g_nc = 0;      /* 0: the kernel table's default */
static long g_small_max = ENG_GEMM_SMALL_MAX;
static int g_shape = -1;                      /* -1: choose per call (choose_shape) */
static int g_direct_b = -1;                   /* -1: when it pays; 0: never; 1: always */
static int g_direct_a = -1;                   /* the same for direct A */
static int g_edge = -1;                       /* edge tiles in place: -1 or 1 yes, 0 scratch */
static int g_dot = -1;                        /* dot-product path: -1 when it pays; 0 never; 1 always */
static int g_ragged = -1;                     /* ragged last columns: -1 when it pays; 0; 1 */

void eng_gemm_set_dot(int mode)
{
    g_dot = mode < 0 ? -1 : (mode > 0);
}

void eng_gemm_set_ragged(int mode)
{
    g_ragged = mode < 0 ? -1 : (mode > 0);
}

void eng_gemm_set_shape(int shape, int direct_b, int direct_a, int edge)
{
    g_shape = shape < 0 ? -1 : shape;
    g_direct_b = direct_b < 0 ? -1 : (direct_b > 0);
    g_direct_a = direct_a < 0 ? -1 : (direct_a > 0);
    g_edge = edge < 0 ? -1 : (edge > 0);
}

/* One register-block shape of the ISA in use, for one type: its blocks and micro-kernels
 * (kernels.h; direct and edge are NULL where the ISA has none). */
typedef struct {
    eng_gemm_blocks blocks;
    const void *ukr, *direct, *edge;
} shape_kernels;

/* Shape number `s` of table t (0 the main one, 1.. those for few rows) into *out; returns 0
 * when the ISA has no such shape. */
static int shape_of(const eng_gemm_kernels *t, int is_f64, int s, shape_kernels *out)
{
    if (s < 0 || s >= ENG_GEMM_MAX_SHAPES) {
        *out = (shape_kernels){ { 0, 0, 0, 0, 0 }, NULL, NULL, NULL };
        return 0;
    }
    if (is_f64) {
        const eng_gemm_shape_f64 *k = &t->f64[s];
        *out = (shape_kernels){ k->blocks, (const void *)k->ukr, (const void *)k->direct,
                                (const void *)k->edge };
    } else {
        const eng_gemm_shape_f32 *k = &t->f32[s];
        *out = (shape_kernels){ k->blocks, (const void *)k->ukr, (const void *)k->direct,
                                (const void *)k->edge };
    }
    return out->ukr != NULL;
}

/* The edge kernel shape `sh` uses on product g: NULL where the ISA has none, where edge
 * kernels are switched off (eng_gemm_set_shape), or where C's columns are not contiguous
 * (edge kernels store with unit column stride; then edges take typed.h's scratch tile, and
 * a ragged last micro-panel of B is packed). */
static const void *edge_kernel_for(const shape_kernels *sh, const gemm_problem *g)
{
    return g_edge != 0 && g->cs_c == 1 ? sh->edge : NULL;
}

int eng_gemm_num_shapes(int is_f64)
{
    shape_kernels sh;
    int s = 0;
    while (shape_of(kernels(), is_f64, s, &sh))
        s++;
    return s;
}

/* The shape forced by eng_gemm_set_shape, or -1 (0 when it names no shape of this ISA). */
static int forced_shape(const eng_gemm_kernels *t, int is_f64)
{
    shape_kernels sh;
    if (g_shape < 0)
        return -1;
    return shape_of(t, is_f64, g_shape, &sh) ? g_shape : 0;
}

/* Whether shape `sh` reads A in place for product g ("direct A" at the top of this file; the
 * measurements are in blocking.h).  Only where A's rows are contiguous and the ISA has a
 * direct kernel for the shape; then always for a product below ENG_GEMM_DIRECT_A_MIN_LARGE
 * in some dimension, except float32's 8-row kernel, which does so only for one micro-panel
 * of B (ENG_GEMM_DIRECT_A_F32_MAX_NR_8); for a large one, only kernels of at most
 * ENG_GEMM_DIRECT_A_LARGE_MAX_MR rows. */
static int reads_a_in_place(int is_f64, const shape_kernels *sh, const gemm_problem *g)
{
    /* (rs_a == 0, every row the same one, a broadcast: packed; lda = 0 means "packed" in
     * tile()) */
    const int possible = sh->direct != NULL && g->cs_a == 1 && g->rs_a != 0;
    const eng_gemm_blocks *b = &sh->blocks;
    if (g_direct_a >= 0)
        return g_direct_a && possible;
    if (!possible)
        return 0;
    if (g->m >= ENG_GEMM_DIRECT_A_MIN_LARGE && g->n >= ENG_GEMM_DIRECT_A_MIN_LARGE
            && g->k >= ENG_GEMM_DIRECT_A_MIN_LARGE)
        return b->mr <= ENG_GEMM_DIRECT_A_LARGE_MAX_MR;
    if (!is_f64 && b->mr == 8)
        return g->n <= ENG_GEMM_DIRECT_A_F32_MAX_NR_8 * (ptrdiff_t)b->nr;
    return 1;
}

/* Whether B is small enough to be read in place whatever the number of rows (direct B). */
static int b_is_small(const gemm_problem *g)
{
    return (double)g->k * g->n * g->es <= ENG_GEMM_DIRECT_B_MAX_BYTES;
}

/* One step of k on an MR x (nv vectors) tile: MR * nv multiply-adds, or, when nv is small,
 * MR + nv loads (the broadcasts of A and B's row: a 6 x 1-vector tile is load-bound). */
static double step_cost(ptrdiff_t MR, ptrdiff_t nv)
{
    return (double)(MR * nv > MR + nv ? MR * nv : MR + nv);
}

/* The time shape `sh` takes on a small product, in multiply-add issue slots: each MR x (nv
 * vectors) tile does k steps (step_cost) and stores its MR * nv vectors.  With edge kernels
 * a ragged last micro-panel of B costs only the vectors its columns fill (kernels.h), without
 * them a whole one.  A shape that packs A where it could be read in place pays
 * ENG_GEMM_PACK_A_COST more. */
static double small_product_cost(const eng_gemm_kernels *t, int is_f64, const shape_kernels *sh,
                                 const gemm_problem *g)
{
    const ptrdiff_t MR = sh->blocks.mr, NR = sh->blocks.nr;
    const ptrdiff_t lanes = t->vector_bytes / (ptrdiff_t)g->es, NV = NR / lanes;
    const ptrdiff_t last = g->n % NR;
    const ptrdiff_t nv_last = edge_kernel_for(sh, g) != NULL ? (last + lanes - 1) / lanes : NV;
    const double tile = (double)g->k * step_cost(MR, NV) + (double)(MR * NV);
    const double tile_last = (double)g->k * step_cost(MR, nv_last) + (double)(MR * nv_last);
    double cost = (double)((g->m + MR - 1) / MR)
                  * ((double)(g->n / NR) * tile + (last ? tile_last : 0));
    if (g->cs_a == 1 && g->rs_a != 0 && !reads_a_in_place(is_f64, sh, g))
        cost *= 1 + ENG_GEMM_PACK_A_COST;
    return cost;
}

/* The register-block shape for product g.  A small one (B read in place, see b_is_small)
 * takes the one that costs the least time by small_product_cost: e.g. float32 80^3 -> 6 x 48
 * (its last tiles 2 vectors wide, A in place; 8 x 48 would pad no rows but pack A), 128 x
 * 10 x 128 -> 8 x 48 (1 vector wide, 16 tiles of 8 rows rather than 22 of 6).  A larger one
 * takes the shape that pads C the least, the padded tile area round_up(m, MR) *
 * round_up(n, NR) (there the cache blocks of each shape weigh as much as its tiles, and
 * this simpler rule measured better): m = 6 -> 6 x 64, m = 16 -> 8 x 48, 512^3 ... 2048^3
 * -> 6 x 64.  A tie goes to the lower number. */
static int choose_shape(const eng_gemm_kernels *t, int is_f64, const gemm_problem *g)
{
    const int forced = forced_shape(t, is_f64);
    if (forced >= 0)
        return forced;
    const int small = b_is_small(g) && t->vector_bytes > 0;
    int best = 0;
    double best_cost = 0;
    shape_kernels sh;
    for (int s = 0; shape_of(t, is_f64, s, &sh); s++) {
        const double cost = small ? small_product_cost(t, is_f64, &sh, g)
                                  : (double)round_up(g->m, sh.blocks.mr)
                                    * (double)round_up(g->n, sh.blocks.nr);
        if (s == 0 || cost < best_cost) {
            best = s;
            best_cost = cost;
        }
    }
    return best;
}

void eng_gemm_set_blocking(int kc, int mc, int nc, long small_max)
{
    g_kc = kc > 0 ? kc : 0;
    g_mc = mc > 0 ? mc : 0;
    g_nc = nc > 0 ? nc : 0;
    g_small_max = small_max < 0 ? ENG_GEMM_SMALL_MAX : small_max;
}

/* The blocks of shape s for one call, with any overrides (MC, NC rounded
 * up to whole micro-panels).  Each override is read once: another thread may
 * change it meanwhile, and a 0 read on the second look would make a block
 * size 0 (a loop that never ends). */
static eng_gemm_blocks blocks_for(const eng_gemm_kernels *t, int is_f64, int s)
{
    shape_kernels sh;
    if (!shape_of(t, is_f64, s, &sh))
        shape_of(t, is_f64, 0, &sh);
    eng_gemm_blocks b = sh.blocks;
    const int kc = *(volatile int *)&g_kc, mc = *(volatile int *)&g_mc,
              nc = *(volatile int *)&g_nc;
    if (kc) b.kc = kc;
    if (mc) b.mc = (int)round_up(mc, b.mr);
    if (nc) b.nc = (int)round_up(nc, b.nr);
    return b;
}

void eng_gemm_get_blocking(int is_f64, long out[6])
{
    const eng_gemm_kernels *t = kernels();
    const int forced = forced_shape(t, is_f64);
    eng_gemm_blocks b = blocks_for(t, is_f64, forced >= 0 ? forced : 0);
    out[0] = b.mr; out[1] = b.nr; out[2] = b.kc; out[3] = b.mc; out[4] = b.nc;
    out[5] = g_small_max;
}

/* ---- dot products ---------------------------------------------------------- */

/* When C has few entries and k is long (a convolution's weight gradient:
 * LeNet conv1's dW is 6 x 25 with k = 50176), each entry is one long dot
 * product of a row of op(A) with a column of op(B); when both are contiguous
 * along k, they are computed in place, a small block of them at a time
 * (dot.h, gemm_dot in typed.h): no packing, no padding of C to a 14 x 32
 * tile.  k is cut into blocks (dot_block_k, or the KC override of
 * eng_gemm_set_blocking), so that the rows in use stay in L2. */
static int use_dot(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, ptrdiff_t cs_a, ptrdiff_t rs_b)
{
    if (g_dot == 0 || cs_a != 1 || rs_b != 1 || (double)m * n > ENG_GEMM_DOT_MAX_MN)
        return 0;
    const ptrdiff_t longer = m > n ? m : n;
    return g_dot == 1 || ((double)m * n <= ENG_GEMM_DOT_AUTO_MN && k >= ENG_GEMM_DOT_MIN_K)
                      || k >= ENG_GEMM_DOT_K_RATIO * longer;
}

/* The k block set by eng_gemm_set_blocking's KC, or 0: the default (dot_block_k). */
static ptrdiff_t dot_kb(void)
{
    return *(volatile int *)&g_kc;            /* read once (see blocks_for) */
}

/* The default k block: the `reread` rows of the operand whose rows are re-read for every
 * block of the other one (the smaller of m and n), plus the `once` rows of one such block,
 * all KB values long, fit in ENG_GEMM_DOT_L2_BYTES; a multiple of 64 between
 * ENG_GEMM_DOT_MIN_KB and ENG_GEMM_DOT_KB. */
static ptrdiff_t dot_block_k(ptrdiff_t reread, int once, size_t es)
{
    ptrdiff_t kb = (ptrdiff_t)(ENG_GEMM_DOT_L2_BYTES / ((size_t)(reread + once) * es)) / 64 * 64;
    if (kb < ENG_GEMM_DOT_MIN_KB)
        kb = ENG_GEMM_DOT_MIN_KB;
    return kb > ENG_GEMM_DOT_KB ? ENG_GEMM_DOT_KB : kb;
}

/* ---- ragged last columns ---------------------------------------------------- */

/* How many of C's last columns product g leaves to the dot products of ragged.h (0: none).
 * A micro-kernel pays a whole vector for the last n % lanes columns, one per row and step of
 * k: 100 columns cost 112.  As dot products, r such columns cost r vectors per row and
 * vector of k (r * k / lanes instead of k), plus summing the lanes and packing the r
 * columns of B.  So: where the ISA has the kernel, A's rows are contiguous along k, n is 1
 * to ENG_GEMM_RAGGED_MAX_COLS columns past a whole vector, and (blocking.h) the dot products
 * are at most a quarter of the vector they replace, k and m are long enough for them to pay,
 * and A is not much larger than L2 (it is read a second time).  Float32 only: float64's 8
 * lanes left too little to gain.  The choice does not depend on the thread count, so neither
 * do the bits of C (each thread takes its rows: loops.c, typed.h).  eng_gemm_set_ragged(1)
 * takes the path whenever the layout and n allow, float64 too. */
static int ragged_columns(const eng_gemm_kernels *t, const gemm_problem *g)
{
    const int has_kernel = g->es == sizeof(double) ? t->ragged_f64 != NULL
                                                   : t->ragged_f32 != NULL;
    if (g_ragged == 0 || !has_kernel || t->vector_bytes <= 0 || g->cs_a != 1)
        return 0;
    const ptrdiff_t lanes = t->vector_bytes / (ptrdiff_t)g->es, r = g->n % lanes;
    if (r < 1 || r > ENG_GEMM_RAGGED_MAX_COLS || g->n < lanes)
        return 0;
    if (g_ragged == 1)
        return (int)r;
    const int pays = g->es == sizeof(float) && 4 * r <= lanes && g->k >= r * lanes
                     && g->m >= r * ENG_GEMM_RAGGED_MIN_M_PER_COL
                     && (double)g->m * g->k * g->es <= ENG_GEMM_RAGGED_MAX_A_BYTES;
    return pays ? (int)r : 0;
}

static eng_gemm_ragged_f32 ragged_kernel_of_f32(const eng_gemm_kernels *t)
{
    return t->ragged_f32;
}
static eng_gemm_ragged_f64 ragged_kernel_of_f64(const eng_gemm_kernels *t)
{
    return t->ragged_f64;
}

/* ---- the blocked path ------------------------------------------------------ */

/* MC for this call, unless eng_gemm_set_blocking set one: at most the table's, and small
 * enough that the block of A fits in L2 beside one micro-panel of B,
 *     MC * kc * es  <=  ENG_GEMM_L2_BLOCK_BYTES - kc * NR * es        (kc = min(KC, k)),
 * so a table KC longer than most k (6 x 64 float: 2048) keeps MC 132 at k <= 1024 and takes
 * 36 at k = 2048.  A read in place also spans the rest of its row stride: the caches place
 * lines by address, and when the stride is longer than kc (and a power of two, as in a
 * 2048 x 2048 A) every row's kc values fall on the same fraction of the L2 cache's sets.  MC
 * then shrinks in proportion, so that the rows' whole span fits (float64 2048^3: 66 -> 30,
 * about 4% faster). */
static void fit_mc(gemm_problem *g)
{
    const ptrdiff_t kc = min_p(g->blk.kc, g->k), mr = g->blk.mr, es = (ptrdiff_t)g->es;
    if (*(volatile int *)&g_mc != 0 || kc <= 0)
        return;
    const ptrdiff_t left = ENG_GEMM_L2_BLOCK_BYTES - kc * g->blk.nr * es;
    ptrdiff_t mc = min_p(g->blk.mc, left > 0 ? left / (kc * es) : 0);
    const ptrdiff_t stride_a = g->rs_a < 0 ? -g->rs_a : g->rs_a;     /* rows may run backwards */
    if (g->direct_a && stride_a > kc)
        mc = mc * kc / stride_a;
    mc = mc / mr * mr;
    g->blk.mc = (int)(mc > mr ? mc : mr);
}

/* Fill in the blocks, kernel and buffers; run the loops.  Returns 0, or -1
 * when the workspace could not be allocated (then nothing was computed). */
static int run_blocked(gemm_problem *g, int is_f64)
{
    const eng_gemm_kernels *t = kernels();
    const int s = choose_shape(t, is_f64, g);
    shape_kernels sh;
    shape_of(t, is_f64, s, &sh);
    g->kernel = sh.ukr;
    g->kernel_direct = sh.direct;
    g->blk = blocks_for(t, is_f64, s);
    g->interleave = is_f64 ? (const void *)t->interleave_f64 : (const void *)t->interleave_f32;
    g->direct_b = g_direct_b >= 0 ? (g_direct_b && g->cs_b == 1)
                                  : (g->cs_b == 1 && (g->m <= 2 * (ptrdiff_t)g->blk.mr
                                                      || b_is_small(g)
                                                      || (g->m <= ENG_GEMM_DIRECT_B_MAX_M
                                                          && g->k <= ENG_GEMM_DIRECT_B_MAX_K)));
    g->direct_a = reads_a_in_place(is_f64, &sh, g);
    g->kernel_edge = edge_kernel_for(&sh, g);
    fit_mc(g);
    return eng_gemm_blocked(g);
}

static eng_gemm_dot_f32 dot_kernel_of_f32(const eng_gemm_kernels *t) { return t->dot_f32; }
static eng_gemm_dot_f64 dot_kernel_of_f64(const eng_gemm_kernels *t) { return t->dot_f64; }
static eng_gemm_dot_finish_f32 dot_finish_of_f32(const eng_gemm_kernels *t)
{
    return t->dot_finish_f32;
}
static eng_gemm_dot_finish_f64 dot_finish_of_f64(const eng_gemm_kernels *t)
{
    return t->dot_finish_f64;
}

/* ---- the typed steps and the entry points, for float and double ------------- */

#define ENG_TEMPLATE "gemm/pack.h"
#include "common/template.h"
#define ENG_TEMPLATE "gemm/reference.h"
#include "common/template.h"
#define ENG_TEMPLATE "gemm/typed.h"
#include "common/template.h"
