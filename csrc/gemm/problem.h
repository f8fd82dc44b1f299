/*
 * gemm/problem.h -- internal: one product as the files of this folder pass it around.
 *
 * gemm.c (the driver) fills in a gemm_problem and hands it to the five loops of loops.c;
 * those work on untyped pointers (bytes) and call back the typed steps of typed.h through
 * the problem's function pointers.  Not part of the public API (that is gemm.h).
 */
#ifndef ENGINE_GEMM_PROBLEM_H
#define ENGINE_GEMM_PROBLEM_H

#include <stddef.h>

#include "gemm/kernels.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(_MSC_VER)
#define ENG_ALIGN64 __declspec(align(64))
#elif defined(__GNUC__)
#define ENG_ALIGN64 __attribute__((aligned(64)))
#else
#define ENG_ALIGN64
#endif

typedef struct gemm_problem gemm_problem;
struct gemm_problem {
    ptrdiff_t m, n, k;
    const void *A, *B;
    void *C;
    ptrdiff_t rs_a, cs_a, rs_b, cs_b, rs_c, cs_c;
    double alpha, beta;
    size_t es;                 /* sizeof(float) or sizeof(double) */
    eng_gemm_blocks blk;       /* MR, NR, KC, MC, NC */
    const void *kernel;        /* the typed micro-kernel of kernels.h */
    void (*pack_a)(const gemm_problem *, ptrdiff_t i0, ptrdiff_t p0, int mr, ptrdiff_t kc, void *dst);
    void (*pack_b)(const gemm_problem *, ptrdiff_t p0, ptrdiff_t j0, int nr, ptrdiff_t kc, void *dst);
    /* ap: a packed micro-panel of A (lda = 0) or A itself (direct A: lda = its row stride) */
    void (*tile)(const gemm_problem *, ptrdiff_t i0, ptrdiff_t j0, int mr, int nr, ptrdiff_t kc,
                 const void *ap, ptrdiff_t lda, const void *bp, ptrdiff_t ldb, double beta);
    int direct_b;              /* 1: full micro-panels of B are read in place */
    int direct_a;              /* 1: full micro-panels of A are read in place */
    const void *kernel_direct; /* the micro-kernel for direct A (kernels.h), or NULL */
    const void *kernel_edge;   /* the micro-kernel for edge tiles in place (kernels.h), or NULL */
    const void *interleave;    /* the ISA's transposing copy for packing, or NULL */
    /* C's last `ragged` columns, past the n above, as dot products (typed.h, ragged.h):
     * each thread's rows of them, after its part of the blocked path; NULL: none */
    void (*last_columns)(const gemm_problem *, int th, int T);
    int ragged;
    const void *ragged_b;      /* B's last columns, packed (typed.h's pack_ragged) */
};

static inline ptrdiff_t min_p(ptrdiff_t a, ptrdiff_t b) { return a < b ? a : b; }

static inline ptrdiff_t round_up(ptrdiff_t x, ptrdiff_t multiple)
{
    return (x + multiple - 1) / multiple * multiple;
}

/* Inside a parallel region: this thread's number *th and the team's size *T (0 and 1 in a
 * build without OpenMP), for the parts of C each thread takes. */
static inline void eng_gemm_team_place(int *th, int *T)
{
#ifdef _OPENMP
    *th = omp_get_thread_num();
    *T = omp_get_num_threads();
#else
    *th = 0;
    *T = 1;
#endif
}

/* The five loops of loops.c over the whole of C, shared among the threads.  Returns 0, or
 * -1 when a workspace could not be allocated (then nothing was written to C). */
int eng_gemm_blocked(const gemm_problem *g);

/* How many threads a product of this size gets: 1 below ~a 64^3 multiply. */
int eng_gemm_threads_for(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k);

/* The calling thread's buffers, kept between calls and freed when the thread ends
 * (workspace.c): at least `bytes`, 64-byte aligned, or NULL when out of memory. */
enum { ENG_GEMM_PACKED_A, ENG_GEMM_PACKED_B, ENG_GEMM_DOT_SUMS,
       ENG_GEMM_RAGGED_B,              /* typed.h's gemm_ragged: B's last columns */
       ENG_WINOGRAD_FUSED,             /* conv/winograd.c's tiles (V_blk, M_blk) */
       ENG_GEMM_BUFFERS };
void *eng_gemm_workspace(int which, size_t bytes);

#endif /* ENGINE_GEMM_PROBLEM_H */
