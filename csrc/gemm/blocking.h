/*
 * gemm/blocking.h -- the block sizes, and the caches they are chosen for.
 *
 * The five loops of loops.c cut the problem into blocks so that each piece of
 * data is loaded from main memory once and then reused from a cache:
 *
 *   NC  columns of B and C per outer block (loop jc).  The packed KC x NC
 *       panel of B is shared by all threads and lives in the L3 cache.
 *   KC  the depth of one rank-KC update (loop pc).  Sets how long a micro-
 *       kernel keeps its accumulators before it must read and write C: the
 *       larger, the better the C traffic is amortised, as long as the
 *       micro-panel of B (KC x NR) stays close (L1, at worst L2).
 *   MC  rows of A per packed block (loop ic): the MC x KC block of A is
 *       streamed through the micro-kernel once per micro-panel of B, so it
 *       must stay in the L2 cache (we aim at about half of it).
 *   NR, MR  the register block: the MR x NR tile of C held in registers by
 *       the micro-kernel (kernels.h); limited by the number of registers.
 *
 * Target machine: AMD EPYC (Zen 4) -- L1d 32 KiB per core, L2 1 MiB per
 * core, L3 32 MiB shared; 32 zmm registers.  Other CPUs have similar or
 * larger caches, so these sizes are safe (if not optimal) there too.
 *
 * Register blocks:
 *   AVX-512: 32 zmm registers.  float: 14 x 32 = 14 rows x 2 zmm = 28
 *            accumulators, + 2 for the row of B, + 1 for a broadcast A value
 *            = 31.  double: 14 x 16 (8 doubles per zmm), same count.
 *   AVX2:    16 ymm registers.  float 6 x 16 and double 6 x 8: 12
 *            accumulators + 2 for B + 1 broadcast = 15.
 *   generic: SSE2 has 16 xmm registers: float 4 x 8 (8 accumulators),
 *            double 4 x 4 (8 accumulators); GCC vectorises the C loops.
 *
 * Cache blocks (bytes = rows x cols x element size):
 *   AVX-512 float : KC 384 -> B micro-panel 384*32*4 = 48 KiB (L1 + L2);
 *                   MC 280 -> A block 280*384*4 = 420 KiB (< half of L2);
 *                   NC 4096 -> B panel 384*4096*4 = 6 MiB (L3).
 *   AVX-512 double: KC 256 -> B micro-panel 256*16*8 = 32 KiB;
 *                   MC 224 -> A block 224*256*8 = 448 KiB; NC 2048 (4 MiB).
 *   AVX2 float    : KC 256 -> 256*16*4 = 16 KiB (half of L1);
 *                   MC 240 -> 240 KiB; NC 4096 (4 MiB).
 *   AVX2 double   : KC 256 -> 16 KiB; MC 240 -> 480 KiB; NC 2048 (4 MiB).
 *   generic       : KC 256, MC 256, NC 4096 / 2048.
 *   AVX-512 8 x 48 (float) and 8 x 24 (double), a shape for products with
 *   few rows: the main shape's KC (the B micro-panel, 72 KiB, streams from
 *   L2: still ~24 FMAs per 10 loads); MC and NC the main shape's rounded to
 *   multiples of MR and NR.  6 x 48 and 6 x 24: the same blocks, 6 rows.  Small
 *   products choose among the shapes by the time of their tiles (gemm.c), in which
 *   a ragged last micro-panel of B costs the vectors it fills: 6 x 48 takes 72^3 and
 *   80^3 (48 + 24 and 48 + 32 columns, where 6 x 64 would leave a 1-vector tile) and
 *   ties 96^3 with 6 x 64; 8 x 24 takes most float64 ones (it reads A in place).
 *   1 thread, time 6 x 48 direct / 8 x 48 packed, float32: 96^3 0.93, 144^3
 *   0.94, 96 x 96 x 784 0.93, 528^3 1.03; float64: 96^3 0.76, 144^3 0.91,
 *   528^3 0.93, 1056^3 0.93.
 *   AVX-512 6 x 64 (float) and 6 x 32 (double): the shape that pads the
 *   least for m = 6 (LeNet) and for most large squares (it is what 512,
 *   1024, 2048 get), and the one large products read A in place with
 *   (direct A, below).  KC 1024: each tile of C is then read and written
 *   once per 1024 steps, not per 384 -- the C traffic was what held a
 *   2048^3 product at ~82% of the peak; the B micro-panel (256 KiB) and
 *   the MC rows of A in use (132 x 1024 floats, 528 KiB; 66 doubles) share
 *   L2; NC 1024 keeps the packed B panel at 4 / 8 MiB.  Float32, 1 thread,
 *   % of the FMA peak at n = 512 / 1024 / 2048 (one run, quiet machine):
 *   KC 384, packed A 90 / 85 / 81; KC 1024, direct A 93 / 91 / 90.  The
 *   smaller products this shape serves (m = 6, 64^3 ... 256^3, k <= 784)
 *   ran as fast with these blocks as with the old ones (384, 276, 4096).
 *   Float32 then takes KC 2048: a 2048^3 product reads and writes C once,
 *   not twice, ~2% faster (93-94% of the peak against 91-92); its MC comes
 *   down to 36 for that k (below).  Float64 stays at 1024: with 2048 it ran
 *   at 80-84% of its peak, whatever the MC.
 *
 * MC is a ceiling: each call takes at most what fits in L2 beside one B
 * micro-panel, ENG_GEMM_L2_BLOCK_BYTES in all (fit_mc in gemm.c, which also
 * shrinks it for A read in place with rows longer than kc).  For the main
 * shapes' KC the ceiling is what binds.
 *
 * The micro-kernels here are not limited by L1 versus L2 bandwidth (a step
 * reads ~180 bytes for 28 vector FMAs), so KC leans large to amortise C.
 * eng_gemm_set_blocking() overrides KC/MC/NC at run time (tests use tiny
 * blocks to cross every boundary with small matrices).
 */
#ifndef ENGINE_GEMM_BLOCKING_H
#define ENGINE_GEMM_BLOCKING_H

/*                              MR  NR   KC   MC    NC */
#define ENG_GEMM_AVX512_F32   { 14, 32, 384, 280, 4096 }
#define ENG_GEMM_AVX512_F64   { 14, 16, 256, 224, 2048 }
#define ENG_GEMM_AVX2_F32     {  6, 16, 256, 240, 4096 }
#define ENG_GEMM_AVX2_F64     {  6,  8, 256, 240, 2048 }
/* Alternative AVX-512 shapes for few rows (kernels.h, choose_shape in gemm.c) */
#define ENG_GEMM_AVX512_F32_6x64 {  6, 64, 2048, 132, 1024 }
#define ENG_GEMM_AVX512_F32_6x48 {  6, 48, 384, 276, 4080 }
#define ENG_GEMM_AVX512_F32_8x48 {  8, 48, 384, 280, 4080 }
#define ENG_GEMM_AVX512_F64_6x32 {  6, 32, 1024, 66, 1024 }
#define ENG_GEMM_AVX512_F64_6x24 {  6, 24, 256, 222, 2040 }
#define ENG_GEMM_AVX512_F64_8x24 {  8, 24, 256, 224, 2040 }
#define ENG_GEMM_GENERIC_F32  {  4,  8, 256, 256, 4096 }
#define ENG_GEMM_GENERIC_F64  {  4,  4, 256, 256, 2048 }

/* The share of the L2 cache (1 MiB per core) for a block of A and one micro-panel of B; the
 * rest is left for C's tile and the other lines a step touches. */
#define ENG_GEMM_L2_BLOCK_BYTES (800 * 1024)

/* Direct A (gemm.c, reads_a_in_place): where A's rows are contiguous, a micro-kernel can
 * broadcast A's values from A itself instead of a packed copy (a transposing copy of every
 * block of A).  AVX-512, 1 thread, time direct / packed (best of 9, interleaved), each
 * shape forced:
 *   6-row kernels: float32 64^3 ... 256^3 0.81-0.96, 6 x 50176 x 25 0.96, 16 x 6400 x 150
 *     0.95, 128 x 784 x 256 0.99, 64 x 32768 x 576 0.99; float64 64^3 ... 256^3 0.88-0.98,
 *     64 x 32768 x 576 0.98, 128 x 784 x 256 1.01: always, and for large products (m, n, k
 *     at least DIRECT_A_MIN_LARGE) too: there packing A was ~3% of the time (float32 512^3:
 *     1100 us direct, 1155 packed).
 *   8-row kernels: float64 0.77-0.94 (64^3 ... 256^3, 16 x 6400 x 150, 128 x 784 x 256):
 *     always; float32 only for one NR-column micro-panel of B (DIRECT_A_F32_MAX_NR_8): with
 *     one, 0.72 (128 x 10 x 128), with more 1.04-1.29 (16 x 6400 x 150, 96^3 1.11): its 8
 *     streams of A prefetch worse than the 6-row kernels' 6.
 *   14-row kernels: 0.67-0.99 for products below the large ones (128 x 10 x 128, 96^3, 160^3,
 *     224^3, 128 x 256 x 784; 16 x 6400 x 150 1.02, where this shape is not chosen); large
 *     products pack A for kernels of more than DIRECT_A_LARGE_MAX_MR rows. */
#define ENG_GEMM_DIRECT_A_F32_MAX_NR_8 1
#define ENG_GEMM_DIRECT_A_LARGE_MAX_MR 6
#define ENG_GEMM_DIRECT_A_MIN_LARGE 512

/* Direct B (gemm.c): B is read in place when its rows are contiguous and it is small (k * n
 * values in at most DIRECT_B_MAX_BYTES: it stays in L1/L2 as it is, e.g. a 64 x 64 product)
 * or C has few rows.  Such small products choose their shape by the time of their tiles
 * (small_product_cost in gemm.c), in which a shape that packs A where another reads it in
 * place pays PACK_A_COST more: float32 80^3, 8 x 48 packed / 6 x 48 direct, 1.05. */
#define ENG_GEMM_DIRECT_B_MAX_BYTES (128.0 * 1024)
#define ENG_GEMM_PACK_A_COST 0.06

/* Direct B for a larger B too, when m <= DIRECT_B_MAX_M and k <= DIRECT_B_MAX_K: packing B
 * (a copy of every value) is then shared by few micro-panels of A, and each micro-panel of
 * B read in place spans at most DIRECT_B_MAX_K rows, a stride apart.  AVX-512, 1 thread,
 * float32, time direct / packed: 32 x 512 x 512 0.75, 64 x 4096 x 576 0.87, 64 x 32768 x 576
 * (a 3x3 convolution's im2col product) 0.92, 96 x 9216 x 288 0.90, 128 x 784 x 256 0.93,
 * 200 x 3000 x 300 0.93, 200^3 ... 300^3 0.95-0.97, 384^3 0.99; float64 32 x 512 x 512 0.80,
 * 200^3 0.95.  Past the limits the rows in flight thrash the caches and the TLB: 64 x 1024 x
 * 1024 1.11, 128 x 128 x 2048 1.20, 768^3 1.03, 1024^3 1.38, float64 512^3 1.07. */
#define ENG_GEMM_DIRECT_B_MAX_M 384
#define ENG_GEMM_DIRECT_B_MAX_K 640

/* Problems with m*n*k at most this take the unpacked triple loop: for them
 * packing and the parallel region cost more than they save.  Float32, 1 thread, the call
 * from Python, loop / blocked: 4 x 4 x 4 0.27 / 0.38 us, 8^3 0.35 / 0.36, 12^3 0.50 / 0.37,
 * 16^3 0.83 / 0.41. */
#define ENG_GEMM_SMALL_MAX 512L

/* The dot-product path (gemm.c, dot.h), for op(A)'s rows and op(B)'s columns
 * contiguous along k (C = A * B^T, a convolution's or a dense layer's weight
 * gradient): taken when m*n <= DOT_AUTO_MN and k >= DOT_MIN_K, or when k is
 * at least DOT_K_RATIO times the larger of m and n -- then the blocked path
 * would pack (transpose) both operands to use each packed value only a few
 * times.  The limits sit where the two paths cost about the same: a small
 * C (LeNet conv2's dW, 16 x 150 with k 6400) gains, while a C of a few
 * thousand entries (32 x 288 with k 2048) is already better served by the
 * blocked path's register tile.  The
 * test hook eng_gemm_set_dot forces it up to m*n <= DOT_MAX_MN, and it is left when its
 * running sums (m*n vectors) would take more than DOT_MAX_BYTES.  k is cut into blocks
 * (dot_block_k in gemm.c) so that the rows re-read for every block of dot products stay in
 * L2: (the smaller of m, n, plus the dot block's rows) x KB values within DOT_L2_BYTES, KB a
 * multiple of 64 from DOT_MIN_KB to DOT_KB.  Each block of k costs every entry a vector load
 * and store of its partial sums (dot.h) and each dot block a call: long blocks pay (LeNet
 * conv2's dW, 16 x 150 with k 6400, 1 thread: 122 GFLOP/s in blocks of 384, 160 in one). */
#define ENG_GEMM_DOT_MAX_MN 1048576
#define ENG_GEMM_DOT_MAX_BYTES (32.0 * 1024 * 1024)
#define ENG_GEMM_DOT_K_RATIO 16
#define ENG_GEMM_DOT_AUTO_MN 512
#define ENG_GEMM_DOT_MIN_K 512
#define ENG_GEMM_DOT_L2_BYTES (512 * 1024)
#define ENG_GEMM_DOT_MIN_KB 512
#define ENG_GEMM_DOT_KB 8192

/* Ragged last columns (ragged_columns in gemm.c, ragged.h): the r <= RAGGED_MAX_COLS columns
 * past a whole vector are computed as dot products, float32 only, when 4 r <= lanes (their r
 * vectors per vector of k are at most a quarter of the one they replace), k >= r * lanes, m
 * >= r * RAGGED_MIN_M_PER_COL and A (m x k) is at most RAGGED_MAX_A_BYTES.  1 thread, time
 * with them / without (each forced, best of 9, m = k = 100 unless said):
 *   AVX-512 float32: n = 17 0.83, 18 0.89, 19 0.93, 20 0.93, 97 0.92, 98 0.92, 99 0.93,
 *     100 0.94; 400 x 17 x 400 0.73; at the limits 32 x 20 x 64 0.99, and past them m = 8
 *     with 4 columns 1.08-1.21, k = 16 with 4 columns 1.16-1.19;
 *   AVX2 float32: n = 9 0.78, 10 0.88, 97 0.92; 11 0.97 and 12 1.10 (3 and 4 of 8 lanes:
 *     left to the blocked path);
 *   AVX-512 float64 (8 lanes): n = 9 0.96, 10 1.07, 11 1.21, 12 1.06, 100 0.96: too little,
 *     and too often a loss, to choose.
 * The choice does not depend on the thread count (the bits would), so 2 threads take it too,
 * each thread computing its rows of the last columns after its part of the blocked path
 * (loops.c): float32 97^3 0.90, 100^3 0.98, 196^3 0.96, 260^3 0.97 (in a parallel region of
 * their own, 100^3 took 1.05). */
#define ENG_GEMM_RAGGED_MAX_COLS 4
#define ENG_GEMM_RAGGED_MIN_M_PER_COL 8
#define ENG_GEMM_RAGGED_MAX_A_BYTES (2.0 * 1024 * 1024)

#endif /* ENGINE_GEMM_BLOCKING_H */
