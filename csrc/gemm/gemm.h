/*
 * gemm/gemm.h -- general matrix multiply, the public C API.
 *
 *     C = alpha * op(A) * op(B) + beta * C        (m x k) times (k x n)
 *
 * Every matrix is described by a pointer and two strides, counted in
 * elements: element (i, j) of X lives at X[i * rs_x + j * cs_x].  A
 * row-major matrix with leading dimension ld has rs = ld, cs = 1; its
 * transpose is the same memory with the strides swapped (rs = 1, cs = ld).
 * So "op(A) = A transposed" costs nothing: the caller swaps A's strides,
 * and the packing routines (pack.h) read whatever layout they are given.
 *
 * beta == 0 overwrites C (NaN or Inf already in C do not leak through);
 * k == 0 or alpha == 0 gives C = beta * C without reading A or B.
 * C must not overlap A or B.  Sizes of 0 are allowed.
 *
 * The files of this folder, in reading order:
 *   gemm.h              this file: the public API
 *   gemm.c              the driver: which path a product takes (tiny, dot
 *                       products, blocked), the register-block shape, the
 *                       test hooks' overrides
 *   blocking.h          the block sizes MR, NR, KC, MC, NC and why
 *   loops.c             the five loops around the micro-kernel, how threads
 *                       share them, the packed buffers (problem.h: what the
 *                       loops are given)
 *   typed.h             per type: the entry points, the steps the loops call
 *                       back (pack, tile), the dot-product path
 *   pack.h              copying panels of A and B into the kernel's order
 *   reference.h         the textbook triple loop (small matrices, oracle)
 *   kernels.h           what a micro-kernel is (its contract), the ISA table
 *   kernel_generic.c    portable C micro-kernel (auto-vectorised)
 *   kernel_avx2.c       AVX2+FMA micro-kernel (intrinsics)
 *   kernel_avx512.c     AVX-512F micro-kernels (intrinsics)
 *   dot.h               the dot-product kernels, for few entries of C and a long k
 *   ragged.h            C's last few columns as dot products, when n is just past a
 *                       whole number of vectors
 *   interleave.h        the transposing copy of packing, in register blocks
 *   peak.c              measuring the machine's peak FMA throughput
 * The Cython wrappers are in engine/_gemm.pxi; common/isa.h picks the kernels.
 *
 * Plain C99, no Python headers.
 */
#ifndef ENGINE_GEMM_H
#define ENGINE_GEMM_H

#include <stddef.h>

/* C = alpha * op(A) * op(B) + beta * C for T = float (eng_gemm_f32) and double
 * (eng_gemm_f64); the reference versions have the same signature (and typed.h,
 * reference.h define them with it). */
#define ENG_GEMM_SIGNATURE(name, T)                                                 \
    void name(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, T alpha,                       \
              const T *A, ptrdiff_t rs_a, ptrdiff_t cs_a,                           \
              const T *B, ptrdiff_t rs_b, ptrdiff_t cs_b,                           \
              T beta, T *C, ptrdiff_t rs_c, ptrdiff_t cs_c)

ENG_GEMM_SIGNATURE(eng_gemm_f32, float);
ENG_GEMM_SIGNATURE(eng_gemm_f64, double);

/* The textbook triple loop, always (no packing, no threads): the oracle
 * the tests compare against, and what the small-matrix path runs. */
ENG_GEMM_SIGNATURE(eng_gemm_reference_f32, float);
ENG_GEMM_SIGNATURE(eng_gemm_reference_f64, double);

/* Override the cache block sizes (for tests that want to cross every block
 * boundary with small matrices).  0 restores a default.  kc >= 1; mc and nc
 * are rounded up to multiples of MR and NR.  small_max: problems with
 * m*n*k <= small_max take the unpacked path (-1 restores the default). */
void eng_gemm_set_blocking(int kc, int mc, int nc, long small_max);

/* Force a register-block shape (0: the ISA's main one, 1..: its
 * alternatives for few rows, see kernels.h; -1: choose per call) and direct
 * B (1: read B in place whenever its rows are contiguous, 0: always pack,
 * -1: when it pays) and direct A (the same for A, where the ISA has a direct-A
 * kernel), and edge tiles (1 or -1: in place with masks, where the ISA has edge
 * kernels; 0: through a scratch tile).  For tests: each path in turn. */
void eng_gemm_set_shape(int shape, int direct_b, int direct_a, int edge);

/* For tests: the dot-product path for few entries of C and a long k
 * -- 1: whenever the operands' layout allows it (m*n <= 2^20),
 * 0: never, -1 (default): when it pays. */
void eng_gemm_set_dot(int mode);

/* For tests: C's last columns as dot products (ragged.h) when n is 1 to
 * ENG_GEMM_RAGGED_MAX_COLS columns past a whole vector and A's rows are contiguous --
 * 1: whenever that holds (the ISA having the kernel), 0: never, -1 (default): when it pays. */
void eng_gemm_set_ragged(int mode);

/* How many register-block shapes the current ISA offers for float / double. */
int eng_gemm_num_shapes(int is_f64);

/* The block sizes in use for float (is_f64 == 0) or double (is_f64 == 1):
 * out = {MR, NR, KC, MC, NC, small_max}: the main shape's, or the forced
 * shape's (eng_gemm_set_shape). */
void eng_gemm_get_blocking(int is_f64, long out[6]);

/* Peak floating-point rate of this core (threads = 1) or of `threads`
 * cores, in GFLOP/s, measured with an FMA loop of ~50 ms (peak.c).
 * Returns -1 when the ISA is unknown or this CPU cannot run it. */
double eng_measure_peak_gflops(int is_f64, const char *isa, int threads);

#endif /* ENGINE_GEMM_H */
