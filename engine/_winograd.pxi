# engine/_winograd.pxi -- included by _C.pyx: the Winograd F(2x2, 3x3) transforms
# (csrc/conv/winograd.h).  Conventions (1-D C-contiguous buffers, outputs passed in, checks
# before nogil): see _C.pyx.  Shapes are computed and checked by engine/backend/native/winograd.py;
# here we check that the buffers are as big as the sizes say.

cdef extern from "conv/winograd.h" nogil:
    void eng_winograd_filter_f32(const float *w, float *u, ptrdiff_t O, ptrdiff_t C)
    void eng_winograd_filter_f64(const double *w, double *u, ptrdiff_t O, ptrdiff_t C)
    void eng_winograd_input_f32(const float *x, float *v, ptrdiff_t n, ptrdiff_t C, ptrdiff_t h,
                                ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw)
    void eng_winograd_input_f64(const double *x, double *v, ptrdiff_t n, ptrdiff_t C,
                                ptrdiff_t h, ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw)
    void eng_winograd_output_f32(const float *m, const float *bias, float *y, ptrdiff_t n,
                                 ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow)
    void eng_winograd_output_f64(const double *m, const double *bias, double *y, ptrdiff_t n,
                                 ptrdiff_t O, ptrdiff_t oh, ptrdiff_t ow)


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


def winograd_filter(const floating[::1] w not None, floating[::1] u not None, O, C):
    """U (16, O, C) = G g Gᵀ for every 3×3 filter of w (O, C, 3, 3)."""
    cdef Py_ssize_t o, c
    o, c = _winograd_sizes("winograd_filter", ("O", "C"), (O, C))
    _check_size("winograd_filter", "w", w.shape[0],
                _product("winograd_filter", "O·C·9", (o, c, 9)))
    _check_size("winograd_filter", "u", u.shape[0],
                _product("winograd_filter", "O·C·16", (o, c, 16)))
    if o == 0 or c == 0:
        return
    with nogil:
        if floating is float:
            eng_winograd_filter_f32(&w[0], &u[0], o, c)
        else:
            eng_winograd_filter_f64(&w[0], &u[0], o, c)


def winograd_input(const floating[::1] x not None, floating[::1] v not None, n, C, h, w, ph, pw):
    """V (16, C, n·th·tw) = Bᵀ d B for every 4×4 tile of x (n, C, h, w) padded by (ph, pw)."""
    func = "winograd_input"
    cdef Py_ssize_t n_, c, h_, w_, ph_, pw_
    n_, c, h_, w_, ph_, pw_ = _winograd_sizes(func, ("n", "C", "h", "w", "ph", "pw"),
                                              (n, C, h, w, ph, pw))
    oh = _fit(func, "h + 2·ph - 2", (<object>h_) + 2 * (<object>ph_) - 2)
    ow = _fit(func, "w + 2·pw - 2", (<object>w_) + 2 * (<object>pw_) - 2)
    if oh < 1 or ow < 1:
        raise ValueError(f"{func}: a 3×3 window does not fit {h}×{w} padded by ({ph}, {pw})")
    _check_size(func, "x", x.shape[0], _product(func, "n·C·h·w", (n_, c, h_, w_)))
    _check_size(func, "v", v.shape[0],
                _product(func, "16·C·n·tiles", (16, c, n_, (oh + 1) // 2, (ow + 1) // 2)))
    if n_ == 0 or c == 0:
        return
    with nogil:
        if floating is float:
            eng_winograd_input_f32(&x[0], &v[0], n_, c, h_, w_, ph_, pw_)
        else:
            eng_winograd_input_f64(&x[0], &v[0], n_, c, h_, w_, ph_, pw_)


def winograd_output(const floating[::1] m not None, bias, floating[::1] y not None, n, O, oh, ow):
    """y (n, O, oh, ow) = Aᵀ M A per tile of M (16, O, n·th·tw), plus bias (O,) or None."""
    func = "winograd_output"
    cdef Py_ssize_t n_, o, oh_, ow_
    n_, o, oh_, ow_ = _winograd_sizes(func, ("n", "O", "oh", "ow"), (n, O, oh, ow))
    if oh_ < 1 or ow_ < 1:
        raise ValueError(f"{func}: output size must be >= 1, got {oh}×{ow}")
    _check_size(func, "m", m.shape[0],
                _product(func, "16·O·n·tiles", (16, o, n_, (oh_ + 1) // 2, (ow_ + 1) // 2)))
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
            eng_winograd_output_f32(&m[0], bp, &y[0], n_, o, oh_, ow_)
        else:
            eng_winograd_output_f64(&m[0], bp, &y[0], n_, o, oh_, ow_)
