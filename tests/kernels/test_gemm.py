"""The packed C GEMM (csrc/gemm/) against NumPy: shapes, transposes, strides, α/β, every ISA,
threads, bad input; and the ops built on it (MatMul's GEMM paths, the fused Linear)."""
import contextlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine import Tensor, gradcheck
from engine.backend import reference

native = pytest.importorskip("engine.backend.native")
from engine import _C  # noqa: E402

ISAS = _C.available_isas()
DTYPES = [np.float32, np.float64]


@contextlib.contextmanager
def gemm_settings(isa=None, blocks=None, threads=None, shape=None, dot=None, ragged=None):
    """Run a block with one GEMM ISA / block sizes / thread count / (register-block shape,
    direct B) / dot-product path mode / ragged-columns path mode, then restore them."""
    old_isa, old_threads = _C.kernel_isa("gemm"), _C.get_num_threads()
    try:
        if isa is not None:
            _C.set_kernel_isa("gemm", isa)
        if blocks is not None:
            _C.gemm_set_blocking(*blocks)
        if threads is not None:
            _C.set_num_threads(threads)
        if shape is not None:
            _C.gemm_set_shape(*shape)
        if dot is not None:
            _C.gemm_set_dot(dot)
        if ragged is not None:
            _C.gemm_set_ragged(ragged)
        yield
    finally:
        _C.set_kernel_isa("gemm", old_isa)
        _C.gemm_set_blocking()
        _C.gemm_set_shape()
        _C.gemm_set_dot()
        _C.gemm_set_ragged()
        _C.set_num_threads(old_threads)


def operand(rng, shape, dtype, layout):
    """A (rows, cols) array: contiguous, a view with a step in both axes, or a transposed view."""
    rows, cols = shape
    if layout == "contiguous":
        return rng.standard_normal(shape).astype(dtype)
    if layout == "strided":          # every other row and column of a bigger array
        return rng.standard_normal((2 * rows + 1, 2 * cols + 1)).astype(dtype)[1::2, 1::2]
    return rng.standard_normal((cols, rows)).astype(dtype).T   # column-major memory


def expected(a, b, c, alpha, beta, trans_a, trans_b):
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    product = (a64.T if trans_a else a64) @ (b64.T if trans_b else b64)
    return alpha * product + (0 if beta == 0 else beta * c.astype(np.float64))


def assert_close(got, want, k, dtype):
    scale = 1 + np.abs(want).max(initial=0)
    eps = np.finfo(dtype).eps
    np.testing.assert_allclose(got, want, rtol=0, atol=4 * eps * (k + 2) * scale)


# Tiny cache blocks (KC, MC, NC) and no small-matrix path: a 30 x 40 x 20 product then crosses
# every block boundary of the five loops, as a 3000 x 4000 x 2000 one does with the defaults.
TINY_BLOCKS = (5, 1, 1, 0)


@given(m=st.integers(0, 40), n=st.integers(0, 40), k=st.integers(0, 30),
       dtype=st.sampled_from(DTYPES), isa=st.sampled_from(ISAS),
       trans_a=st.booleans(), trans_b=st.booleans(),
       layouts=st.tuples(*[st.sampled_from(["contiguous", "strided", "transposed"])] * 3),
       alpha_beta=st.sampled_from([(1.0, 0.0), (2.5, 0.0), (1.0, 1.0), (-0.5, 2.0), (0.0, 0.5)]),
       blocks=st.sampled_from([None, TINY_BLOCKS, (3, 30, 40, 0), (0, 0, 0, 10 ** 9)]),
       seed=st.integers(0, 2 ** 16))
def test_gemm_matches_numpy(m, n, k, dtype, isa, trans_a, trans_b, layouts, alpha_beta,
                            blocks, seed):
    rng = np.random.default_rng(seed)
    alpha, beta = alpha_beta
    a = operand(rng, (k, m) if trans_a else (m, k), dtype, layouts[0])
    b = operand(rng, (n, k) if trans_b else (k, n), dtype, layouts[1])
    c = operand(rng, (m, n), dtype, layouts[2])
    want = expected(a, b, c, alpha, beta, trans_a, trans_b)
    a_before, b_before = a.copy(), b.copy()
    with gemm_settings(isa=isa, blocks=blocks):
        got = native.gemm(a, b, c, alpha=alpha, beta=beta, trans_a=trans_a, trans_b=trans_b)
    assert got is c
    assert_close(c, want, k, dtype)
    np.testing.assert_array_equal(a, a_before)   # inputs untouched
    np.testing.assert_array_equal(b, b_before)


# KC 4 and the default MC: A read in place (direct A) with rows longer than KC, for which
# gemm.c shrinks MC (a block of rows spans their whole stride in the caches), here to a
# few MR-row micro-panels, so m <= 40 crosses blocks of A too.
KC_ONLY = (4, 0, 50, 0)


def shapes_of(isa, dtype):
    """The register-block shape numbers the ISA offers for dtype (0 = the main one)."""
    with gemm_settings(isa=isa):
        return list(range(_C.gemm_num_shapes(dtype)))


@given(m=st.integers(1, 40), n=st.integers(1, 150), k=st.integers(1, 30),
       dtype=st.sampled_from(DTYPES), isa=st.sampled_from(ISAS), shape=st.integers(0, 3),
       direct_b=st.sampled_from([0, 1]), direct_a=st.sampled_from([0, 1]),
       edge=st.sampled_from([0, 1]), threads=st.sampled_from([1, 2]), trans_a=st.booleans(),
       a_rows=st.sampled_from(["next to each other", "apart", "reversed", "one row"]),
       layout_b=st.sampled_from(["contiguous", "strided", "transposed"]),
       alpha_beta=st.sampled_from([(1.0, 0.0), (-0.5, 2.0)]),
       blocks=st.sampled_from([None, TINY_BLOCKS, (4, 7, 50, 0), KC_ONLY]),
       seed=st.integers(0, 2 ** 16))
def test_every_shape_and_direct_b_match_numpy(m, n, k, dtype, isa, shape, direct_b, direct_a,
                                              edge, threads, trans_a, a_rows, layout_b,
                                              alpha_beta, blocks, seed):
    """Each register-block shape (the ISA's main one and those for few rows), with B packed
    or read in place (direct B, used when B's rows are contiguous), A packed or read in
    place (direct A, when A's rows are contiguous: also rows further apart than k, in
    reverse order, or all the same row, a broadcast), edge tiles in place (edge kernels)
    or through a scratch tile, at 1 and 2 threads; also rows longer than KC, for which
    direct A takes a smaller MC (KC_ONLY)."""
    shapes = shapes_of(isa, dtype)
    shape = shapes[shape % len(shapes)]
    rng = np.random.default_rng(seed)
    alpha, beta = alpha_beta
    a = operand(rng, (k, m) if trans_a else (m, k), dtype, "contiguous")
    if a_rows == "apart":             # rows of A contiguous, but 3 values further apart
        a = np.pad(a, ((0, 0), (0, 3)))[:, :a.shape[1]]
    elif a_rows == "reversed":        # a negative row stride
        a = a[::-1]
    elif a_rows == "one row":         # row stride 0
        a = np.broadcast_to(a[:1], a.shape)
    b = operand(rng, (k, n), dtype, layout_b)
    c = operand(rng, (m, n), dtype, "contiguous")
    want = expected(a, b, c, alpha, beta, trans_a, False)
    with gemm_settings(isa=isa, blocks=blocks, threads=threads,
                       shape=(shape, direct_b, direct_a, edge)):
        native.gemm(a, b, c, alpha=alpha, beta=beta, trans_a=trans_a)
    assert_close(c, want, k, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("isa", ISAS)
def test_edge_kernels_bitwise_equal_scratch_tile(dtype, isa):
    """A tile cut by C's last rows or columns, computed by the ISA's edge kernel (fewer
    vectors, stores with masks, B's ragged last columns read in place) or in a scratch tile
    that is copied out, gives bitwise the same C where C is only written (beta 0): the same
    products summed in the same order.  (With beta != 0 the edge kernel adds beta * C in one
    fused step, as full tiles do, and the scratch copy in two: they may differ in the last
    bit.)  Every shape, A and B packed or in place, C with unit or another column stride
    (then the scratch tile), 1 and 2 threads."""
    rng = np.random.default_rng(13)
    for m, n, k in [(13, 70, 9), (80, 80, 80), (7, 100, 33), (100, 17, 40)]:
        a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
        c0 = rng.standard_normal((m, n)).astype(dtype)
        for shape in shapes_of(isa, dtype):
            for direct_b, direct_a in ((0, 0), (1, 1)):
                for beta, threads, order in ((0.0, 1, "C"), (0.5, 2, "C"), (0.5, 1, "F")):
                    results = []
                    for edge in (0, 1):
                        c = np.array(c0, order=order)
                        with gemm_settings(isa=isa, threads=threads,
                                           shape=(shape, direct_b, direct_a, edge)):
                            native.gemm(a, b, c, alpha=1.5, beta=beta)
                        results.append(c)
                    if beta == 0:
                        np.testing.assert_array_equal(results[0], results[1])
                    for c in results:
                        assert_close(c, expected(a, b, c0, 1.5, beta, False, False), k, dtype)


def _before_a_guard_page(shape, dtype):
    """A C-ordered array whose last byte is the last one before a page the process may not
    read (Linux): reading one value past it ends the process with SIGSEGV.  Returns (array,
    the mapping, a function that makes the page readable again); None elsewhere."""
    import ctypes
    import mmap
    import sys
    if not sys.platform.startswith("linux"):
        return None
    page = mmap.PAGESIZE
    nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
    data_pages = -(-nbytes // page)
    region = mmap.mmap(-1, (data_pages + 1) * page)
    base = ctypes.addressof(ctypes.c_char.from_buffer(region))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int)
    guard = base + data_pages * page
    if libc.mprotect(guard, page, 0) != 0:                       # PROT_NONE
        return None
    array = np.frombuffer(region, dtype, int(np.prod(shape)),
                          data_pages * page - nbytes).reshape(shape)
    return array, region, lambda: libc.mprotect(guard, page, 3)   # PROT_READ | PROT_WRITE


@pytest.mark.parametrize("dtype", DTYPES)
def test_ragged_b_read_in_place_stays_inside_b(dtype):
    """B read in place (direct B) with a ragged last micro-panel: the edge kernel reads only
    B's own columns, with masks, even in B's last row, which here ends right before a page
    the process may not read.  Every shape of every ISA, and the answer is right."""
    rng = np.random.default_rng(17)
    m, k = 20, 9
    for n in (1, 5, 17, 70):
        guarded = _before_a_guard_page((k, n), dtype)
        if guarded is None:
            pytest.skip("needs Linux's mprotect")
        b, region, unprotect = guarded
        b[...] = rng.standard_normal((k, n))
        a = rng.standard_normal((m, k)).astype(dtype)
        try:
            for isa in ISAS:
                for shape in shapes_of(isa, dtype):
                    for direct_a in (0, 1):
                        with gemm_settings(isa=isa, shape=(shape, 1, direct_a, 1),
                                           blocks=(0, 0, 0, 0)):
                            got = native.gemm(a, b)
                        assert_close(got, expected(a, b, None, 1.0, 0.0, False, False), k,
                                     dtype)
        finally:
            unprotect()
            del b


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("isa", ISAS)
def test_shapes_threads_bitwise_identical(dtype, isa):
    """Every shape, direct B and direct A on and off: 2 threads (each computing its own part of C, cut at
    whole micro-tiles) give bitwise the 1-thread result, also with beta != 0."""
    rng = np.random.default_rng(7)
    for m, n, k in [(6, 3000, 25), (16, 700, 150), (150, 90, 300)]:
        a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
        c0 = rng.standard_normal((m, n)).astype(dtype)
        for shape in shapes_of(isa, dtype):
            for direct_b, direct_a in ((0, 0), (1, 0), (0, 1), (1, 1)):
                results = []
                for threads in (1, 2):
                    c = c0.copy()
                    with gemm_settings(isa=isa, threads=threads,
                                       shape=(shape, direct_b, direct_a),
                                       blocks=(100, 0, 0, -1)):
                        native.gemm(a, b, c, alpha=1.5, beta=0.5)
                    results.append(c)
                np.testing.assert_array_equal(results[0], results[1])
                assert_close(results[0], expected(a, b, c0, 1.5, 0.5, False, False), k, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_ragged_last_tile_read_in_place(dtype):
    """With A read in place, C written (beta 0) and one rank-KC update, a ragged last tile
    is the MR rows ending at the last row (loops.c): it rewrites the rows it shares with the
    tile above bitwise unchanged (they equal the product of those rows of A alone), 2 threads
    give bitwise the 1-thread result, and where C is updated (beta != 0) or k takes two
    rank-KC updates (KC 16 here) the answer is still right."""
    rng = np.random.default_rng(5)
    n, k = 70, 40
    b = rng.standard_normal((k, n)).astype(dtype)
    for isa in ISAS:
        for shape in shapes_of(isa, dtype):
            with gemm_settings(isa=isa, shape=(shape, -1, 1)):
                mr = _C.gemm_blocking(dtype)["mr"]
            for m in (mr + 1, 2 * mr - 1, 3 * mr + 2):
                a = rng.standard_normal((m, k)).astype(dtype)
                c0 = rng.standard_normal((m, n)).astype(dtype)
                full = m // mr * mr                      # the rows of whole tiles
                for beta, blocks in ((0.0, None), (0.5, None), (0.0, (16, 0, 0, 0))):
                    results = []
                    for threads in (1, 2):
                        c = c0.copy()
                        with gemm_settings(isa=isa, threads=threads, shape=(shape, -1, 1),
                                           blocks=blocks):
                            native.gemm(a, b, c, beta=beta)
                            top = native.gemm(a[:full], b, c0[:full].copy(), beta=beta)
                        np.testing.assert_array_equal(c[:full], top)
                        results.append(c)
                    np.testing.assert_array_equal(results[0], results[1])
                    assert_close(results[0], expected(a, b, c0, 1.0, beta, False, False),
                                 k, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_long_k_blocks_of_a_that_fit_beside_b(dtype):
    """k longer than the 6-row shapes' KC (2048 for float32): two rank-KC updates, and the
    MC each call takes so that a block of A fits in L2 beside a micro-panel of B (fit_mc in
    gemm.c: 36 rows here, so 100 rows make three blocks), with A packed or read in place,
    its rows also further apart than k; 2 threads give bitwise the 1-thread result."""
    rng = np.random.default_rng(11)
    m, n, k = 100, 130, 2100
    a_wide = rng.standard_normal((m, k + 2000)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    c0 = rng.standard_normal((m, n)).astype(dtype)
    isa = ISAS[-1]
    for a in (a_wide[:, :k].copy(), a_wide[:, :k]):           # rows k or k + 2000 apart
        want = expected(a, b, c0, 1.0, 0.5, False, False)
        for shape in shapes_of(isa, dtype):
            for direct_a in (0, 1):
                results = []
                for threads in (1, 2):
                    c = c0.copy()
                    with gemm_settings(isa=isa, threads=threads, shape=(shape, -1, direct_a),
                                       dot=0):      # k >= 16 n would take the dot path
                        native.gemm(a, b, c, alpha=1.0, beta=0.5)
                    results.append(c)
                np.testing.assert_array_equal(results[0], results[1])
                assert_close(results[0], want, k, dtype)


# ---- the dot-product path (few entries of C, long k: a convolution's dW) ----------------------

@given(m=st.integers(1, 40), n=st.integers(1, 45), k=st.integers(0, 200),
       dtype=st.sampled_from(DTYPES), isa=st.sampled_from(ISAS), threads=st.sampled_from([1, 2]),
       trans_a=st.booleans(), trans_b=st.booleans(),
       layout_a=st.sampled_from(["contiguous", "contiguous", "strided", "transposed"]),
       layout_b=st.sampled_from(["contiguous", "contiguous", "strided", "transposed"]),
       alpha_beta=st.sampled_from([(1.0, 0.0), (2.5, 0.0), (-0.5, 2.0), (1.0, 1.0)]),
       kb=st.sampled_from([0, 1, 5, 16, 37]), seed=st.integers(0, 2 ** 16))
def test_dot_path_matches_numpy(m, n, k, dtype, isa, threads, trans_a, trans_b, layout_a,
                                layout_b, alpha_beta, kb, seed):
    """The dot-product path forced on (it runs when op(A)'s rows and op(B)'s columns are
    contiguous along k, else the blocked path does): every block edge (m, n not multiples of
    the dot block), k blocks of kb (0: the default), k shorter than a vector, beta = 0 over NaN."""
    rng = np.random.default_rng(seed)
    alpha, beta = alpha_beta
    a = operand(rng, (k, m) if trans_a else (m, k), dtype, layout_a)
    b = operand(rng, (n, k) if trans_b else (k, n), dtype, layout_b)
    c = operand(rng, (m, n), dtype, "contiguous")
    if beta == 0:
        c[...] = np.nan
    want = expected(a, b, c, alpha, beta, trans_a, trans_b)
    with gemm_settings(isa=isa, threads=threads, dot=1, blocks=(kb, 0, 0, 0)):
        native.gemm(a, b, c, alpha=alpha, beta=beta, trans_a=trans_a, trans_b=trans_b)
    assert_close(c, want, k, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("m,n,k", [(6, 25, 4000), (16, 32, 512), (16, 33, 512), (16, 32, 511),
                                   (1, 512, 600), (3, 7, 513), (23, 22, 700),
                                   (16, 150, 2400), (16, 150, 2399), (150, 16, 2400),
                                   (40, 30, 641)])
def test_dot_path_trigger_boundary(dtype, m, n, k):
    """Automatic choice around the dot path's limits (m*n <= 512 and k >= 512, or k >= 16
    max(m, n)), dW-shaped
    (A * B^T, both contiguous along k): right on either side; C strided (every other column)."""
    rng = np.random.default_rng(m * 1000 + n + k)
    a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((n, k)).astype(dtype)
    big = rng.standard_normal((m, 2 * n)).astype(dtype)
    c = big[:, ::2]
    want = expected(a, b, c, 0.5, -1.0, False, True)
    native.gemm(a, b, c, alpha=0.5, beta=-1.0, trans_b=True)
    assert_close(c, want, k, dtype)
    gaps = big[:, 1::2].copy()
    native.gemm(a, b, c, trans_b=True)
    np.testing.assert_array_equal(big[:, 1::2], gaps)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("isa", ISAS)
def test_dot_path_threads_bitwise_identical(dtype, isa):
    """Each dot product is summed whole by one thread in an order fixed by k and the k block:
    1, 2 and 3 threads give bitwise the same C (beta != 0 too), auto and forced."""
    rng = np.random.default_rng(8)
    for m, n, k, dot in [(6, 25, 5000, -1), (5, 3, 20001, 1), (2, 1, 140000, 1), (13, 17, 2100, 1),
                         (16, 150, 6400, -1), (150, 16, 3000, -1)]:
        a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((n, k)).astype(dtype)
        c0 = rng.standard_normal((m, n)).astype(dtype)
        results = []
        for threads in (1, 2, 3):
            c = c0.copy()
            with gemm_settings(isa=isa, threads=threads, dot=dot):
                native.gemm(a, b, c, alpha=1.5, beta=0.5, trans_b=True)
            results.append(c)
        np.testing.assert_array_equal(results[0], results[1])
        np.testing.assert_array_equal(results[0], results[2])
        assert_close(results[0], expected(a, b, c0, 1.5, 0.5, False, True), k, dtype)


def test_gemm_set_dot_rejects_bad_mode():
    with pytest.raises(ValueError, match="mode"):
        _C.gemm_set_dot(2)


# ---- C's last few columns as dot products (n just past a whole number of vectors) -----------

LANES = {"avx512": 16, "avx2": 8}     # float32 values per vector; float64 has half


@given(m=st.integers(1, 40), q=st.integers(1, 5), r=st.integers(0, 5), k=st.integers(1, 150),
       dtype=st.sampled_from(DTYPES), isa=st.sampled_from(ISAS), threads=st.sampled_from([1, 2]),
       layout_a=st.sampled_from(["contiguous", "contiguous", "strided", "transposed"]),
       layout_b=st.sampled_from(["contiguous", "contiguous", "strided", "transposed"]),
       strided_c=st.booleans(),
       alpha_beta=st.sampled_from([(1.0, 0.0), (2.5, 0.0), (-0.5, 2.0), (1.0, 1.0)]),
       seed=st.integers(0, 2 ** 16))
def test_ragged_columns_match_numpy(m, q, r, k, dtype, isa, threads, layout_a, layout_b,
                                    strided_c, alpha_beta, seed):
    """The ragged-columns path forced on: n = q vectors + r columns (r = 1 ... 4 take it where
    A's rows are contiguous, 0 and 5 do not), k with and without a tail shorter than a vector
    (A's last values read with a mask), every row count (blocks of rows and the rows left),
    B of any layout (its columns are packed), C contiguous or a view with a step, beta = 0
    over NaN."""
    rng = np.random.default_rng(seed)
    lanes = LANES.get(isa, 4) // (2 if dtype == np.float64 else 1)
    n = q * lanes + r
    alpha, beta = alpha_beta
    a = operand(rng, (m, k), dtype, layout_a)
    b = operand(rng, (k, n), dtype, layout_b)
    c = operand(rng, (m, n), dtype, "strided" if strided_c else "contiguous")
    if beta == 0:
        c[...] = np.nan
    want = expected(a, b, c, alpha, beta, False, False)
    with gemm_settings(isa=isa, threads=threads, ragged=1, dot=0):
        native.gemm(a, b, c, alpha=alpha, beta=beta)
    assert_close(c, want, k, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("isa", ISAS)
def test_ragged_columns_leave_other_columns_and_rows(dtype, isa):
    """The last columns written by the dot products are exactly C's: a C inside a bigger
    array keeps every value around it, and the product matches the path switched off."""
    rng = np.random.default_rng(5)
    for m, k, n in [(100, 100, 100), (33, 70, 17), (9, 16, 19), (64, 200, 36)]:
        a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
        big = rng.standard_normal((m + 2, n + 3)).astype(dtype)
        around = big.copy()
        c = big[1:-1, 1:-2]
        with gemm_settings(isa=isa, ragged=1):
            native.gemm(a, b, c, alpha=1.0, beta=0.5)
        want = expected(a, b, around[1:-1, 1:-2], 1.0, 0.5, False, False)
        assert_close(c, want, k, dtype)
        inner = np.zeros(big.shape, bool)
        inner[1:-1, 1:-2] = True
        np.testing.assert_array_equal(big[~inner], around[~inner])
        off = around[1:-1, 1:-2].copy()
        with gemm_settings(isa=isa, ragged=0):
            native.gemm(a, b, off, alpha=1.0, beta=0.5)
        assert_close(c, off.astype(np.float64), k, dtype)


def test_ragged_columns_chosen_where_they_pay():
    """The automatic choice (AVX-512, float32): 100 x 100 x 100 takes the dot products for
    its last 4 columns (the bits are those of the path forced on, not off: the sums run in
    another order), a product below the limits (m = 8 for 4 columns) and any float64 one do
    not."""
    if "avx512" not in ISAS:
        pytest.skip("the AVX-512 kernels are not available on this CPU")
    rng = np.random.default_rng(6)

    def product(m, n, k, dtype):
        a = rng.standard_normal((m, k)).astype(dtype)
        b = rng.standard_normal((k, n)).astype(dtype)
        results = {}
        for setting in ("auto", "on", "off"):
            with gemm_settings(isa="avx512", threads=1,
                               ragged={"auto": -1, "on": 1, "off": 0}[setting]):
                results[setting] = native.gemm(a, b)
        return results

    taken = product(100, 100, 100, np.float32)
    np.testing.assert_array_equal(taken["auto"], taken["on"])
    assert not np.array_equal(taken["on"], taken["off"])
    for m, n, k, dtype in [(8, 100, 100, np.float32), (100, 100, 100, np.float64)]:
        left = product(m, n, k, dtype)
        np.testing.assert_array_equal(left["auto"], left["off"])


def test_gemm_set_ragged_rejects_bad_mode():
    with pytest.raises(ValueError, match="mode"):
        _C.gemm_set_ragged(2)
    with pytest.raises(TypeError, match="int"):
        _C.gemm_set_ragged(1.0)


def test_shape_choice_fits_few_rows():
    """Forcing a shape changes the reported MR; the shapes for few rows have MR < the main's."""
    isa = _C.kernel_isa("gemm")
    main = _C.gemm_blocking("float32")
    for shape in shapes_of(isa, "float32")[1:]:
        with gemm_settings(shape=(shape, -1)):
            alt = _C.gemm_blocking("float32")
        assert alt["mr"] < main["mr"] and alt["mc"] % alt["mr"] == 0 and alt["nc"] % alt["nr"] == 0
    with pytest.raises(ValueError):
        _C.gemm_set_shape(99)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("isa", ISAS)
@pytest.mark.parametrize("blocks", [None, TINY_BLOCKS], ids=["default blocks", "tiny blocks"])
def test_beta_zero_overwrites_nan(dtype, isa, blocks):
    rng = np.random.default_rng(1)
    for m, n, k in [(2, 2, 2), (17, 33, 9), (40, 70, 30)]:   # small path and packed path
        a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
        c = np.full((m, n), np.nan, dtype)
        with gemm_settings(isa=isa, blocks=blocks):
            native.gemm(a, b, c, alpha=1.0, beta=0.0)
        assert_close(c, expected(a, b, c, 1, 0, False, False), k, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_zero_sized_and_k_zero(dtype):
    assert native.gemm(np.ones((0, 3), dtype), np.ones((3, 4), dtype)).shape == (0, 4)
    assert native.gemm(np.ones((2, 3), dtype), np.ones((3, 0), dtype)).shape == (2, 0)
    c = np.full((2, 4), 3.0, dtype)
    native.gemm(np.ones((2, 0), dtype), np.ones((0, 4), dtype), c, beta=2.0)
    np.testing.assert_array_equal(c, 6.0)
    c[...] = np.nan
    native.gemm(np.ones((2, 0), dtype), np.ones((0, 4), dtype), c, beta=0.0)
    np.testing.assert_array_equal(c, 0.0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_large_problem_crosses_default_blocks(dtype):
    """Sizes just past the default MC, KC and NC of the best ISA (no overrides)."""
    blocks = _C.gemm_blocking(dtype)
    m, k, n = blocks["mc"] + 3, blocks["kc"] + 5, blocks["nc"] + 7
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((n, k)).astype(dtype)
    c = rng.standard_normal((m, n)).astype(dtype)
    want = expected(a, b, c, 1.5, -1.0, False, True)
    native.gemm(a, b, c, alpha=1.5, beta=-1.0, trans_b=True)
    assert_close(c, want, k, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("isa", ISAS)
def test_threads_bitwise_reproducible(dtype, isa):
    """Each element of C is summed by one thread in a fixed order: repeated runs are bitwise
    equal at 1 and at 2 threads -- and (by construction) equal to each other."""
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((150, 300)).astype(dtype), rng.standard_normal((300, 200)).astype(dtype)
    results = {}
    for threads in (1, 2):
        with gemm_settings(isa=isa, threads=threads):
            runs = [native.gemm(a, b) for _ in range(3)]
        for r in runs[1:]:
            np.testing.assert_array_equal(r, runs[0])
        results[threads] = runs[0]
    np.testing.assert_array_equal(results[1], results[2])
    assert_close(results[1], a.astype(np.float64) @ b, 300, dtype)


def test_output_overlapping_an_input():
    rng = np.random.default_rng(4)
    a = rng.standard_normal((20, 20))
    want = a @ a
    native.gemm(a, a.copy(), c=a)        # c is a: computed from a copy of the input
    np.testing.assert_allclose(a, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_c_reference_triple_loop(dtype):
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal((7, 9)).astype(dtype), rng.standard_normal((11, 9)).astype(dtype)
    assert_close(_C.gemm_reference(a, b, trans_b=True), a.astype(np.float64) @ b.T, 9, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layouts", [("contiguous",) * 3, ("strided", "transposed", "strided"),
                                     ("transposed", "strided", "transposed")])
def test_c_reference_loop_sums_columns_in_chunks(dtype, layouts):
    """The triple loop sums a row of C a chunk of 64 columns at a time (reference.h): rows
    of 1, 64, 65 and 150 columns (one chunk, exactly one, one and a bit, three) give the
    product, through every layout of A, B and C, with beta 0 (C never read: NaN there is
    overwritten) and beta != 0."""
    rng = np.random.default_rng(8)
    for m, n, k in [(3, 1, 4), (2, 64, 5), (4, 65, 3), (3, 150, 7)]:
        a = operand(rng, (m, k), dtype, layouts[0])
        b = operand(rng, (k, n), dtype, layouts[1])
        for alpha, beta in ((1.0, 0.0), (-0.5, 2.0)):
            c = operand(rng, (m, n), dtype, layouts[2])
            c0 = c.copy()
            if beta == 0:
                c[...] = np.nan
            _C.gemm_reference(a, b, c, alpha=alpha, beta=beta)
            assert_close(c, expected(a, b, c0, alpha, beta, False, False), k, dtype)


@pytest.mark.parametrize("trans_a,trans_b", [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize("backend", [native, reference], ids=["native", "reference"])
def test_gemm_batched(backend, trans_a, trans_b):
    rng = np.random.default_rng(6)
    a = rng.standard_normal((4, 5, 3) if trans_a else (4, 3, 5))
    b = rng.standard_normal((4, 6, 5) if trans_b else (4, 5, 6))
    c = rng.standard_normal((4, 3, 6))
    want = (2 * ((a.swapaxes(1, 2) if trans_a else a) @ (b.swapaxes(1, 2) if trans_b else b))
            + 0.5 * c)
    backend.gemm_batched(a, b, c, alpha=2.0, beta=0.5, trans_a=trans_a, trans_b=trans_b)
    np.testing.assert_allclose(c, want, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- bad input

F32, F64 = np.ones((2, 3), np.float32), np.ones((3, 4), np.float64)


@pytest.mark.parametrize("args,kwargs,error,match", [
    ((np.ones((2, 3), np.float32), np.ones((3, 4), np.float64)), {}, TypeError, "one dtype"),
    ((np.ones((2, 3), np.int64), np.ones((3, 4), np.int64)), {}, TypeError, "float32 or float64"),
    (([[1.0]], np.ones((1, 1))), {}, TypeError, "NumPy array"),
    ((np.ones(3), np.ones((3, 4))), {}, ValueError, "2-D"),
    ((np.ones((2, 3, 1)), np.ones((3, 4))), {}, ValueError, "2-D"),
    ((np.ones((2, 3)), np.ones((4, 5))), {}, ValueError, "inner sizes 3 and 4"),
    ((np.ones((2, 3)), np.ones((4, 3))), {"trans_a": True}, ValueError, "inner sizes 2 and 4"),
    ((np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 2))), {}, ValueError, r"shape \(2, 4\)"),
    ((np.ones((2, 3)), np.ones((3, 4)), np.ones((2, 4), np.float32)), {}, TypeError, "c must"),
])
def test_bad_input_raises(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        native.gemm(*args, **kwargs)


def test_read_only_output_raises():
    c = np.zeros((2, 4))
    c.flags.writeable = False
    with pytest.raises(ValueError, match="writeable"):
        native.gemm(np.ones((2, 3)), np.ones((3, 4)), c)


def test_batched_bad_input():
    with pytest.raises(ValueError, match="batch size"):
        native.gemm_batched(np.ones((2, 3, 4)), np.ones((3, 4, 5)))
    with pytest.raises(ValueError, match="3-D"):
        native.gemm_batched(np.ones((3, 4)), np.ones((4, 5)))


# --------------------------------------------------------- ISA, blocks, peak

def test_gemm_family_is_registered():
    assert "gemm" in native.KERNEL_FAMILIES
    assert _C.kernel_isa("gemm") in ISAS
    for isa in ISAS:
        with gemm_settings(isa=isa):
            assert _C.kernel_isa("gemm") == isa
    with pytest.raises(ValueError):
        _C.set_kernel_isa("gemm", "sse9")
    from engine import info
    assert info.collect()["kernels"]["gemm"] == _C.kernel_isa("gemm")


def test_blocking_overrides_and_defaults():
    default = _C.gemm_blocking("float32")
    assert default["kc"] > 0 and default["mc"] % default["mr"] == 0
    assert default["nc"] % default["nr"] == 0
    with gemm_settings(blocks=(7, 1, 1, 0)):
        tiny = _C.gemm_blocking("float32")
        assert (tiny["kc"], tiny["mc"], tiny["nc"], tiny["small_max"]) == (
            7, default["mr"], default["nr"], 0)
    assert _C.gemm_blocking("float32") == default


def test_measure_peak_gflops():
    peak = _C.measure_peak_gflops("float64", ISAS[-1], 1)
    assert peak > 0.1
    with pytest.raises((ValueError, TypeError)):
        _C.measure_peak_gflops("int32")


# ----------------------------------------------------- MatMul and Linear on GEMM

def rand(shape, seed, dtype=engine.float64):
    return Tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=True, dtype=dtype)


@pytest.mark.parametrize("shapes", [((3, 4), (4, 5)), ((2, 3, 4), (4, 5)), ((3, 2, 4), (3, 4, 5))],
                         ids=str)
def test_matmul_gemm_paths(shapes):
    a, b = rand(shapes[0], 1), rand(shapes[1], 2)
    y = a @ b
    assert y.grad_fn.path in ("gemm", "batched")
    np.testing.assert_allclose(y.data, a.data @ b.data, rtol=1e-12)
    assert gradcheck(engine.ops.matmul, [a, b])


def test_matmul_float32_through_gemm():
    a, b = rand((30, 20), 1, engine.float32), rand((20, 10), 2, engine.float32)
    y = a @ b
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.data, a.data.astype(np.float64) @ b.data, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("x_shape", [(5, 4), (2, 3, 4), (4,)], ids=str)
@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_values_and_gradcheck(x_shape, with_bias):
    x, w, b = rand(x_shape, 1), rand((3, 4), 2), rand((3,), 3)
    F = engine.nn.functional
    y = F.linear(x, w, b if with_bias else None)
    want = x.data @ w.data.T + (b.data if with_bias else 0)
    assert y.shape == want.shape
    np.testing.assert_allclose(y.data, want, rtol=1e-12)
    if with_bias:
        assert gradcheck(lambda x, w, b: F.linear(x, w, b), [x, w, b])
    else:
        assert gradcheck(lambda x, w: F.linear(x, w), [x, w])


def test_linear_backward_formulas():
    x, w, b = rand((5, 4), 1), rand((3, 4), 2), rand((3,), 3)
    gy = np.random.default_rng(4).normal(size=(5, 3))
    engine.nn.functional.linear(x, w, b).backward(gy)
    np.testing.assert_allclose(x.grad.data, gy @ w.data)
    np.testing.assert_allclose(w.grad.data, gy.T @ x.data)
    np.testing.assert_allclose(b.grad.data, gy.sum(axis=0))


def test_linear_bad_shapes():
    with pytest.raises(ValueError, match="linear"):
        engine.nn.functional.linear(rand((5, 4), 1), rand((3, 5), 2))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("trans_a", [False, True])
def test_large_product_reads_a_in_place(dtype, trans_a):
    """m, n, k >= 512 with A's rows contiguous takes direct A with the 6-row kernel and its
    long k blocks (blocking.h); a transposed A is packed. Both agree with NumPy, ragged edges
    (m = 517 is not a multiple of 6, n = 530 not of 64) and two k blocks (k = 1100) included."""
    rng = np.random.default_rng(5)
    m, n, k = 517, 530, 1100
    a = rng.standard_normal((k, m) if trans_a else (m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    c = rng.standard_normal((m, n)).astype(dtype)
    want = expected(a, b, c, 0.5, 2.0, trans_a, False)
    native.gemm(a, b, c, alpha=0.5, beta=2.0, trans_a=trans_a)
    assert_close(c, want, k, dtype)
