# engine/_winograd.pxi -- included by _C.pyx: the Winograd F(2x2, 3x3) transforms, the fused
# convolution and the weight gradient (csrc/conv/winograd.h).  Conventions (1-D C-contiguous buffers, outputs passed in, checks
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
    int eng_winograd_conv_f32(const float *x, const float *u, const float *bias, float *y,
                              ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                              ptrdiff_t ph, ptrdiff_t pw)
    int eng_winograd_conv_f64(const double *x, const double *u, const double *bias, double *y,
                              ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                              ptrdiff_t ph, ptrdiff_t pw)
    int eng_winograd_weight_grad_f32(const float *x, const float *gy, float *dw, ptrdiff_t n,
                                     ptrdiff_t C, ptrdiff_t O, ptrdiff_t h, ptrdiff_t w,
                                     ptrdiff_t ph, ptrdiff_t pw)
    int eng_winograd_weight_grad_f64(const double *x, const double *gy, double *dw,
                                     ptrdiff_t n, ptrdiff_t C, ptrdiff_t O, ptrdiff_t h,
                                     ptrdiff_t w, ptrdiff_t ph, ptrdiff_t pw)
    void eng_winograd_set_block_tiles(int tiles)


cdef int _winograd_sizes(str func, tuple sizes) except -1:
    for v in sizes:
        if v < 0:
            raise ValueError(f"{func}: sizes must be >= 0, got {sizes}")
    return 0


def winograd_filter(const floating[::1] w, floating[::1] u, Py_ssize_t O, Py_ssize_t C):
    """U (16, O, C) = G g Gᵀ for every 3×3 filter of w (O, C, 3, 3)."""
    _winograd_sizes("winograd_filter", (O, C))
    _check_size("winograd_filter", "w", w.shape[0], (<object>O) * C * 9)
    _check_size("winograd_filter", "u", u.shape[0], (<object>O) * C * 16)
    if O == 0 or C == 0:
        return
    with nogil:
        if floating is float:
            eng_winograd_filter_f32(&w[0], &u[0], O, C)
        else:
            eng_winograd_filter_f64(&w[0], &u[0], O, C)


def winograd_input(const floating[::1] x, floating[::1] v, Py_ssize_t n, Py_ssize_t C,
                   Py_ssize_t h, Py_ssize_t w, Py_ssize_t ph, Py_ssize_t pw):
    """V (16, C, n·th·tw) = Bᵀ d B for every 4×4 tile of x (n, C, h, w) padded by (ph, pw)."""
    _winograd_sizes("winograd_input", (n, C, h, w, ph, pw))
    cdef Py_ssize_t oh = h + 2 * ph - 2, ow = w + 2 * pw - 2
    if oh < 1 or ow < 1:
        raise ValueError(f"winograd_input: a 3×3 window does not fit {h}×{w} padded by "
                         f"({ph}, {pw})")
    cdef object tiles = (<object>((oh + 1) // 2)) * ((ow + 1) // 2)
    _check_size("winograd_input", "x", x.shape[0], (<object>n) * C * h * w)
    _check_size("winograd_input", "v", v.shape[0], 16 * (<object>C) * n * tiles)
    if n == 0 or C == 0:
        return
    with nogil:
        if floating is float:
            eng_winograd_input_f32(&x[0], &v[0], n, C, h, w, ph, pw)
        else:
            eng_winograd_input_f64(&x[0], &v[0], n, C, h, w, ph, pw)


def winograd_output(const floating[::1] m, bias, floating[::1] y, Py_ssize_t n, Py_ssize_t O,
                    Py_ssize_t oh, Py_ssize_t ow):
    """y (n, O, oh, ow) = Aᵀ M A per tile of M (16, O, n·th·tw), plus bias (O,) or None."""
    _winograd_sizes("winograd_output", (n, O, oh, ow))
    if oh < 1 or ow < 1:
        raise ValueError(f"winograd_output: output size must be >= 1, got {oh}×{ow}")
    cdef object tiles = (<object>((oh + 1) // 2)) * ((ow + 1) // 2)
    _check_size("winograd_output", "m", m.shape[0], 16 * (<object>O) * n * tiles)
    _check_size("winograd_output", "y", y.shape[0], (<object>n) * O * oh * ow)
    cdef const floating[::1] b
    cdef const floating *bp = NULL
    if bias is not None:
        b = bias
        _check_size("winograd_output", "bias", b.shape[0], O)
        if O > 0:
            bp = &b[0]
    if n == 0 or O == 0:
        return
    with nogil:
        if floating is float:
            eng_winograd_output_f32(&m[0], bp, &y[0], n, O, oh, ow)
        else:
            eng_winograd_output_f64(&m[0], bp, &y[0], n, O, oh, ow)


def winograd_conv(const floating[::1] x, const floating[::1] u, bias, floating[::1] y,
                  Py_ssize_t n, Py_ssize_t C, Py_ssize_t O, Py_ssize_t h, Py_ssize_t w,
                  Py_ssize_t ph, Py_ssize_t pw):
    """y (n, O, oh, ow) = the 3×3 stride-1 convolution of x (n, C, h, w) padded by (ph, pw)
    with the filters whose transform is u (16, O, C), plus bias (O,) or None: the transforms
    and the GEMMs block by block of tiles (csrc/conv/winograd_fused_body.h)."""
    _winograd_sizes("winograd_conv", (n, C, O, h, w, ph, pw))
    cdef Py_ssize_t oh = h + 2 * ph - 2, ow = w + 2 * pw - 2
    if oh < 1 or ow < 1:
        raise ValueError(f"winograd_conv: a 3×3 window does not fit {h}×{w} padded by "
                         f"({ph}, {pw})")
    _check_size("winograd_conv", "x", x.shape[0], (<object>n) * C * h * w)
    _check_size("winograd_conv", "u", u.shape[0], 16 * (<object>O) * C)
    _check_size("winograd_conv", "y", y.shape[0], (<object>n) * O * oh * ow)
    cdef object tiles = (<object>((oh + 1) // 2)) * ((ow + 1) // 2)
    if 16 * (<object>C + O) * tiles * 8 >= 2 ** 62:
        raise ValueError(f"winograd_conv: {h}×{w} images with {C} + {O} channels are too large")
    cdef const floating[::1] b
    cdef const floating *bp = NULL
    if bias is not None:
        b = bias
        _check_size("winograd_conv", "bias", b.shape[0], O)
        if O > 0:
            bp = &b[0]
    if n == 0 or O == 0:
        return
    cdef int status
    if C == 0:          # no input channels: the sums are empty
        y[:] = 0
        if bp != NULL:
            for i in range(y.shape[0]):
                y[i] = bp[(i // (oh * ow)) % O]
        return
    with nogil:
        if floating is float:
            status = eng_winograd_conv_f32(&x[0], &u[0], bp, &y[0], n, C, O, h, w, ph, pw)
        else:
            status = eng_winograd_conv_f64(&x[0], &u[0], bp, &y[0], n, C, O, h, w, ph, pw)
    if status != 0:
        raise MemoryError("winograd_conv: could not allocate the tile buffers")


def winograd_weight_grad(const floating[::1] x, const floating[::1] gy, floating[::1] dw,
                         Py_ssize_t n, Py_ssize_t C, Py_ssize_t O, Py_ssize_t h, Py_ssize_t w,
                         Py_ssize_t ph, Py_ssize_t pw):
    """dw (O, C, 3, 3) of the 3×3 stride-1 convolution of x (n, C, h, w) padded by (ph, pw),
    from its output gradient gy (n, O, oh, ow) (csrc/conv/winograd_grad_body.h)."""
    _winograd_sizes("winograd_weight_grad", (n, C, O, h, w, ph, pw))
    cdef Py_ssize_t oh = h + 2 * ph - 2, ow = w + 2 * pw - 2
    if oh < 1 or ow < 1:
        raise ValueError(f"winograd_weight_grad: a 3×3 window does not fit {h}×{w} padded by "
                         f"({ph}, {pw})")
    _check_size("winograd_weight_grad", "x", x.shape[0], (<object>n) * C * h * w)
    _check_size("winograd_weight_grad", "gy", gy.shape[0], (<object>n) * O * oh * ow)
    _check_size("winograd_weight_grad", "dw", dw.shape[0], (<object>O) * C * 9)
    cdef object tiles = (<object>((oh + 1) // 2)) * ((ow + 1) // 2)
    if 16 * (<object>C + O) * tiles * 8 + 16 * (<object>O) * C * 8 >= 2 ** 62:
        raise ValueError(f"winograd_weight_grad: {h}×{w} images with {C} + {O} channels are "
                         f"too large")
    if O == 0 or C == 0:
        return
    if n == 0:          # no images: the sums are empty
        dw[:] = 0
        return
    cdef int status
    with nogil:
        if floating is float:
            status = eng_winograd_weight_grad_f32(&x[0], &gy[0], &dw[0], n, C, O, h, w, ph, pw)
        else:
            status = eng_winograd_weight_grad_f64(&x[0], &gy[0], &dw[0], n, C, O, h, w, ph, pw)
    if status != 0:
        raise MemoryError("winograd_weight_grad: could not allocate the tile buffers")


def winograd_set_block_tiles(int tiles=0):
    """For tests: about how many tiles winograd_conv transforms per block (whole rows of
    tiles, at least one); 0 or no argument: the default."""
    if tiles < 0:
        raise ValueError(f"winograd_set_block_tiles: tiles must be >= 0, got {tiles}")
    eng_winograd_set_block_tiles(tiles)
