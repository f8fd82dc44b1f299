# engine/_winograd.pxi -- included by _C.pyx: the Winograd F(2x2, 3x3) and F(4x4, 3x3)
# transforms, the fused convolution and the weight gradient (csrc/conv/winograd.h).  ``tile``
# is the output block's side, 2 or 4; a tile has K = (tile + 2)² entries.  Conventions (1-D C-contiguous buffers, outputs passed in, checks
# before nogil): see _C.pyx.  Shapes are computed and checked by engine/backend/native/winograd.py;
# here we check that the buffers are as big as the sizes say.

cdef extern from "conv/winograd.h" nogil:
    void eng_winograd_filter_f32(const float *w, float *u, ptrdiff_t O, ptrdiff_t C, int tile)
    void eng_winograd_filter_f64(const double *w, double *u, ptrdiff_t O, ptrdiff_t C, int tile)
    void eng_winograd_input_f32(const float *x, float *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                                ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, int tile)
    void eng_winograd_input_f64(const double *x, double *v, ptrdiff_t n, ptrdiff_t C,
                                ptrdiff_t h, ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, int tile)
    void eng_winograd_output_f32(const float *m, const float *bias, float *y, ptrdiff_t n,
                                 ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow, int tile)
    void eng_winograd_output_f64(const double *m, const double *bias, double *y, ptrdiff_t n,
                                 ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow, int tile)
    int eng_winograd_conv_f32(const float *x, const float *u, const float *bias, float *y,
                              ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                              ptrdiff_t ph, ptrdiff_t pw, int tile)
    int eng_winograd_conv_f64(const double *x, const double *u, const double *bias, double *y,
                              ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                              ptrdiff_t ph, ptrdiff_t pw, int tile)
    int eng_winograd_weight_grad_f32(const float *x, const float *gy, float *dw, ptrdiff_t n,
                                     ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                                     ptrdiff_t ph, ptrdiff_t pw, int tile)
    int eng_winograd_weight_grad_f64(const double *x, const double *gy, double *dw,
                                     ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h,
                                     ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw, int tile)
    void eng_winograd_set_block_tiles(int tiles)


cdef tuple _winograd_sizes(str func, tuple names, tuple sizes):
    """The sizes as Py_ssize_t values: ints >= 0 that fit the C code, or TypeError/ValueError."""
    cdef list checked = []
    cdef Py_ssize_t size
    for name, v in zip(names, sizes):
        size = _size_arg(func, name, v)
        if size < 0:
            raise ValueError(f"{func}: {name} must be >= 0, got {v}")
        checked.append(size)
    return tuple(checked)


cdef int _winograd_tile(str func, tile) except -1:
    """``tile`` checked: 2 (F(2×2, 3×3)) or 4 (F(4×4, 3×3)), else TypeError/ValueError."""
    if isinstance(tile, bool) or not isinstance(tile, int):
        raise TypeError(f"{func}: tile must be an int (2 or 4), got {type(tile).__name__}")
    if tile not in (2, 4):
        raise ValueError(f"{func}: tile must be 2 or 4, got {tile}")
    return tile


def winograd_filter(const floating[::1] w not None, floating[::1] u not None, O, C, tile=2):
    """U (K, O, C) = G g Gᵀ for every 3×3 filter of w (O, C, 3, 3), K = (tile + 2)²."""
    cdef Py_ssize_t o, c
    cdef int t = _winograd_tile("winograd_filter", tile)
    o, c = _winograd_sizes("winograd_filter", ("O", "C"), (O, C))
    _check_size("winograd_filter", "w", w.shape[0],
                _product("winograd_filter", "O·C·9", (o, c, 9)))
    _check_size("winograd_filter", "u", u.shape[0],
                _product("winograd_filter", "O·C·K", (o, c, (t + 2) * (t + 2))))
    if o == 0 or c == 0:
        return
    with nogil:
        if floating is float:
            eng_winograd_filter_f32(&w[0], &u[0], o, c, t)
        else:
            eng_winograd_filter_f64(&w[0], &u[0], o, c, t)


def winograd_input(const floating[::1] x not None, floating[::1] v not None, n, C, h, w, ph, pw,
                   tile=2):
    """V (K, C, n·th·tw) = Bᵀ d B for every (tile+2)×(tile+2) tile of x (n, C, h, w) padded by
    (ph, pw)."""
    func = "winograd_input"
    cdef int t = _winograd_tile(func, tile)
    cdef Py_ssize_t n_, c, h_, w_, ph_, pw_
    n_, c, h_, w_, ph_, pw_ = _winograd_sizes(func, ("n", "C", "h", "w", "ph", "pw"),
                                              (n, C, h, w, ph, pw))
    oh = _fit(func, "h + 2·ph - 2", (<object>h_) + 2 * (<object>ph_) - 2)
    ow = _fit(func, "w + 2·pw - 2", (<object>w_) + 2 * (<object>pw_) - 2)
    if oh < 1 or ow < 1:
        raise ValueError(f"{func}: a 3×3 window does not fit {h}×{w} padded by ({ph}, {pw})")
    _check_size(func, "x", x.shape[0], _product(func, "n·C·h·w", (n_, c, h_, w_)))
    _check_size(func, "v", v.shape[0],
                _product(func, "K·C·n·tiles",
                         ((t + 2) * (t + 2), c, n_, (oh + t - 1) // t, (ow + t - 1) // t)))
    if n_ == 0 or c == 0:
        return
    with nogil:
        if floating is float:
            eng_winograd_input_f32(&x[0], &v[0], n_, c, h_, w_, ph_, pw_, t)
        else:
            eng_winograd_input_f64(&x[0], &v[0], n_, c, h_, w_, ph_, pw_, t)


def winograd_output(const floating[::1] m not None, bias, floating[::1] y not None, n, O, oh, ow,
                    tile=2):
    """y (n, O, oh, ow) = Aᵀ M A per tile of M (K, O, n·th·tw), plus bias (O,) or None."""
    func = "winograd_output"
    cdef int t = _winograd_tile(func, tile)
    cdef Py_ssize_t n_, o, oh_, ow_
    n_, o, oh_, ow_ = _winograd_sizes(func, ("n", "O", "oh", "ow"), (n, O, oh, ow))
    if oh_ < 1 or ow_ < 1:
        raise ValueError(f"{func}: output size must be >= 1, got {oh}×{ow}")
    _check_size(func, "m", m.shape[0],
                _product(func, "K·O·n·tiles",
                         ((t + 2) * (t + 2), o, n_, (oh_ + t - 1) // t, (ow_ + t - 1) // t)))
    _check_size(func, "y", y.shape[0], _product(func, "n·O·oh·ow", (n_, o, oh_, ow_)))
    cdef const floating[::1] b
    cdef const floating *bp = NULL
    if bias is not None:
        b = bias
        _check_size(func, "bias", b.shape[0], o)
        if o > 0:
            bp = &b[0]
    if n_ == 0 or o == 0:
        return
    with nogil:
        if floating is float:
            eng_winograd_output_f32(&m[0], bp, &y[0], n_, o, oh_, ow_, t)
        else:
            eng_winograd_output_f64(&m[0], bp, &y[0], n_, o, oh_, ow_, t)


cdef tuple _conv_sizes(str func, tuple sizes, int tile):
    """(n, C, O, h, w, ph, pw, oh, ow) of a fused 3×3 stride-1 convolution, checked: ints that
    fit the C code, a 3×3 window that fits, and tile buffers whose bytes fit a ptrdiff_t."""
    cdef Py_ssize_t n, c, o, h, w, ph, pw
    n, c, o, h, w, ph, pw = _winograd_sizes(func, ("n", "C", "O", "h", "w", "ph", "pw"), sizes)
    oh = _fit(func, "h + 2·ph - 2", (<object>h) + 2 * (<object>ph) - 2)
    ow = _fit(func, "w + 2·pw - 2", (<object>w) + 2 * (<object>pw) - 2)
    if oh < 1 or ow < 1:
        raise ValueError(f"{func}: a 3×3 window does not fit {h}×{w} padded by ({ph}, {pw})")
    _product(func, "the tile buffers' bytes",
             ((tile + 2) * (tile + 2), (<object>c) + o, (oh + tile - 1) // tile,
              (ow + tile - 1) // tile, 8))
    return n, c, o, h, w, ph, pw, oh, ow


def winograd_conv(const floating[::1] x not None, const floating[::1] u not None, bias,
                  floating[::1] y not None, n, C, O, h, w, ph, pw, tile=2):
    """y (n, O, oh, ow) = the 3×3 stride-1 convolution of x (n, C, h, w) padded by (ph, pw)
    with the filters whose transform is u (K, O, C), plus bias (O,) or None: the transforms
    and the GEMMs block by block of tiles (csrc/conv/winograd_fused_body.h).  Returns True,
    or False when y holds a NaN or an infinity."""
    func = "winograd_conv"
    cdef int t = _winograd_tile(func, tile)
    cdef Py_ssize_t n_, c, o, h_, w_, ph_, pw_, oh, ow
    n_, c, o, h_, w_, ph_, pw_, oh, ow = _conv_sizes(func, (n, C, O, h, w, ph, pw), t)
    _check_size(func, "x", x.shape[0], _product(func, "n·C·h·w", (n_, c, h_, w_)))
    _check_size(func, "u", u.shape[0], _product(func, "K·O·C", ((t + 2) * (t + 2), o, c)))
    _check_size(func, "y", y.shape[0], _product(func, "n·O·oh·ow", (n_, o, oh, ow)))
    cdef const floating[::1] b
    cdef const floating *bp = NULL
    if bias is not None:
        b = bias
        _check_size(func, "bias", b.shape[0], o)
        if o > 0:
            bp = &b[0]
    if n_ == 0 or o == 0:
        return True
    cdef int status
    cdef Py_ssize_t i
    if c == 0:          # no input channels: the sums are empty
        y[:] = 0
        if bp != NULL:
            for i in range(y.shape[0]):
                y[i] = bp[(i // (oh * ow)) % o]
        return bool(_np.isfinite(_np.asarray(y)).all())
    with nogil:
        if floating is float:
            status = eng_winograd_conv_f32(&x[0], &u[0], bp, &y[0], n_, c, o, h_, w_, ph_, pw_,
                                           t)
        else:
            status = eng_winograd_conv_f64(&x[0], &u[0], bp, &y[0], n_, c, o, h_, w_, ph_, pw_,
                                           t)
    if status < 0:
        raise MemoryError(f"{func}: could not allocate the tile buffers")
    return status == 0


def winograd_weight_grad(const floating[::1] x not None, const floating[::1] gy not None,
                         floating[::1] dw not None, n, C, O, h, w, ph, pw, tile=2):
    """dw (O, C, 3, 3) of the 3×3 stride-1 convolution of x (n, C, h, w) padded by (ph, pw),
    from its output gradient gy (n, O, oh, ow) (csrc/conv/winograd_grad_body.h)."""
    func = "winograd_weight_grad"
    cdef int t = _winograd_tile(func, tile)
    cdef Py_ssize_t n_, c, o, h_, w_, ph_, pw_, oh, ow
    n_, c, o, h_, w_, ph_, pw_, oh, ow = _conv_sizes(func, (n, C, O, h, w, ph, pw), t)
    _check_size(func, "x", x.shape[0], _product(func, "n·C·h·w", (n_, c, h_, w_)))
    _check_size(func, "gy", gy.shape[0], _product(func, "n·O·oh·ow", (n_, o, oh, ow)))
    _check_size(func, "dw", dw.shape[0], _product(func, "O·C·9", (o, c, 9)))
    if o == 0 or c == 0:
        return
    if n_ == 0:         # no images: the sums are empty
        dw[:] = 0
        return
    cdef int status
    with nogil:
        if floating is float:
            status = eng_winograd_weight_grad_f32(&x[0], &gy[0], &dw[0], n_, c, o, h_, w_, ph_,
                                                  pw_, t)
        else:
            status = eng_winograd_weight_grad_f64(&x[0], &gy[0], &dw[0], n_, c, o, h_, w_, ph_,
                                                  pw_, t)
    if status != 0:
        raise MemoryError(f"{func}: could not allocate the tile buffers")


def winograd_set_block_tiles(tiles=0):
    """For tests: about how many tiles winograd_conv transforms per block (whole rows of
    tiles, at least one); 0 or no argument: the default."""
    cdef Py_ssize_t t = _size_arg("winograd_set_block_tiles", "tiles", tiles)
    if not 0 <= t <= 2**31 - 1:
        raise ValueError(f"winograd_set_block_tiles: tiles must be in [0, 2**31), got {tiles}")
    eng_winograd_set_block_tiles(<int>t)
