# engine/_conv.pxi -- included by _C.pyx: im2col / col2im and pooling (csrc/conv/).  Conventions (1-D C-contiguous buffers, outputs passed in, checks before
# nogil): see _C.pyx.  Geometry (sizes, kernel, stride, padding, dilation) arrives as
# tuples of 3 ints (depth, height, width), computed and checked by the native backend (engine/backend/);
# here we only check that the buffers are big enough for it.

from libc.stdint cimport int32_t


cdef extern from "conv/conv.h" nogil:
    ctypedef struct eng_conv_geometry:
        ptrdiff_t channels
        ptrdiff_t[3] in_ "in"
        ptrdiff_t[3] out
        ptrdiff_t[3] kernel
        ptrdiff_t[3] stride
        ptrdiff_t[3] pad
        ptrdiff_t[3] dilation
    void eng_im2col_f32(const float *x, float *cols, ptrdiff_t n, const eng_conv_geometry *g)
    void eng_im2col_f64(const double *x, double *cols, ptrdiff_t n, const eng_conv_geometry *g)
    void eng_conv_weight_grad_f32(const float *x, const float *gy, float *gw, ptrdiff_t n,
                                  ptrdiff_t O, const eng_conv_geometry *g)
    void eng_conv_weight_grad_f64(const double *x, const double *gy, double *gw, ptrdiff_t n,
                                  ptrdiff_t O, const eng_conv_geometry *g)
    int eng_conv_direct_f32(const float *x, const float *w, const float *bias, float *y,
                            ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g)
    int eng_conv_direct_f64(const double *x, const double *w, const double *bias, double *y,
                            ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g)
    void eng_col2im_f32(const float *cols, float *x, ptrdiff_t n, const eng_conv_geometry *g)
    void eng_col2im_f64(const double *cols, double *x, ptrdiff_t n, const eng_conv_geometry *g)
    ptrdiff_t eng_conv_by_chunk_work(ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g,
                                     size_t es, int threads, int backward)
    void eng_conv_by_chunk_f32(const float *x, const float *w, const float *bias, float *y,
                               ptrdiff_t n, ptrdiff_t O, const eng_conv_geometry *g,
                               float *work, int threads)
    void eng_conv_by_chunk_f64(const double *x, const double *w, const double *bias,
                               double *y, ptrdiff_t n, ptrdiff_t O,
                               const eng_conv_geometry *g, double *work, int threads)
    void eng_conv_by_chunk_grads_f32(const float *x, const float *w, const float *gy,
                                     float *gx, float *gw, ptrdiff_t n, ptrdiff_t O,
                                     const eng_conv_geometry *g, float *work, int threads)
    void eng_conv_by_chunk_grads_f64(const double *x, const double *w, const double *gy,
                                     double *gx, double *gw, ptrdiff_t n, ptrdiff_t O,
                                     const eng_conv_geometry *g, double *work, int threads)

cdef extern from "conv/pool.h" nogil:
    ctypedef struct eng_pool_geometry:
        ptrdiff_t planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw
    void eng_max_pool2d_forward_f32(const float *x, float *y, int32_t *argmax, const eng_pool_geometry *g)
    void eng_max_pool2d_forward_f64(const double *x, double *y, int32_t *argmax, const eng_pool_geometry *g)
    void eng_max_pool2d_backward_f32(const float *gy, const int32_t *argmax, float *gx, const eng_pool_geometry *g)
    void eng_max_pool2d_backward_f64(const double *gy, const int32_t *argmax, double *gx, const eng_pool_geometry *g)
    ptrdiff_t eng_pool_count_bad_indices(const int32_t *idx, ptrdiff_t n, int32_t limit)
    void eng_avg_pool2d_forward_f32(const float *x, float *y, const eng_pool_geometry *g)
    void eng_avg_pool2d_forward_f64(const double *x, double *y, const eng_pool_geometry *g)
    void eng_avg_pool2d_backward_f32(const float *gy, float *gx, const eng_pool_geometry *g)
    void eng_avg_pool2d_backward_f64(const double *gy, double *gx, const eng_pool_geometry *g)


cdef int _fill_conv_geometry(eng_conv_geometry *g, str func, object channels, tuple in_size,
                             tuple out_size, tuple kernel, tuple stride, tuple padding,
                             tuple dilation) except -1:
    """Fill `g` from the user's geometry, every entry an int in range, and every position
    the C code computes ((out − 1)·stride + dilation·(kernel − 1), in + 2·padding) within
    ptrdiff_t: the checks run on Python ints, so a huge stride cannot wrap around them."""
    cdef int a
    for name, t in (("in_size", in_size), ("out_size", out_size), ("kernel", kernel),
                    ("stride", stride), ("padding", padding), ("dilation", dilation)):
        if len(t) != 3:
            raise ValueError(f"{func}: {name} must have 3 entries (depth, height, width), got {t}")
    g.channels = _size_arg(func, "channels", channels)
    if g.channels < 0:
        raise ValueError(f"{func}: channels must be >= 0, got {channels}")
    for a in range(3):
        i, o = _size_arg(func, "in_size", in_size[a]), _size_arg(func, "out_size", out_size[a])
        k, s = _size_arg(func, "kernel", kernel[a]), _size_arg(func, "stride", stride[a])
        p, d = _size_arg(func, "padding", padding[a]), _size_arg(func, "dilation", dilation[a])
        if i < 1 or o < 1 or k < 1 or s < 1 or p < 0 or d < 1:
            raise ValueError(f"{func}: bad geometry on axis {a}: in {i}, out {o}, kernel {k}, "
                             f"stride {s}, pad {p}, dilation {d} (in, out, kernel, stride, "
                             f"dilation must be >= 1, pad >= 0)")
        padded = _fit(func, "in_size + 2 * padding", (<object>i) + 2 * (<object>p))
        # the last window must end inside the padded input (out matches the other sizes)
        if (<object>o - 1) * s + (<object>d) * (k - 1) > padded - 1:
            raise ValueError(f"{func}: output size {o} on axis {a} is too large for "
                             f"input {i}, kernel {k}, stride {s}, padding {p}, dilation {d}")
        g.in_[a], g.out[a], g.kernel[a], g.stride[a], g.pad[a], g.dilation[a] = i, o, k, s, p, d
    return 0


cdef int _conv_buffers(str func, Py_ssize_t x_size, Py_ssize_t cols_size, object n,
                       const eng_conv_geometry *g) except -1:
    """x must hold n·C·D·H·W elements and cols C·K·n·L, each product checked for overflow."""
    if _size_arg(func, "n", n) < 0:
        raise ValueError(f"{func}: n must be >= 0, got {n}")
    _check_size(func, "x", x_size, _product(func, "n·C·D·H·W", (
        n, g.channels, g.in_[0], g.in_[1], g.in_[2])))
    _check_size(func, "cols", cols_size, _product(func, "C·K·n·L", (
        g.channels, g.kernel[0], g.kernel[1], g.kernel[2], n, g.out[0], g.out[1], g.out[2])))
    return 0


def im2col(const floating[::1] x not None, floating[::1] cols not None, n, channels,
           tuple in_size not None, tuple out_size not None, tuple kernel not None,
           tuple stride not None, tuple padding not None, tuple dilation not None):
    """cols (C·K, n·L) = im2col(x (n, C, D, H, W)); see csrc/conv/conv.h for the layout."""
    cdef eng_conv_geometry g
    _fill_conv_geometry(&g, "im2col", channels, in_size, out_size, kernel, stride, padding,
                        dilation)
    _conv_buffers("im2col", x.shape[0], cols.shape[0], n, &g)
    cdef ptrdiff_t count = n
    if x.shape[0] == 0 or cols.shape[0] == 0:
        return
    with nogil:
        if floating is float:
            eng_im2col_f32(&x[0], &cols[0], count, &g)
        else:
            eng_im2col_f64(&x[0], &cols[0], count, &g)


def conv_weight_grad(const floating[::1] x not None, const floating[::1] gy not None,
                     floating[::1] gw not None, n, out_channels, channels,
                     tuple in_size not None, tuple out_size not None, tuple kernel not None,
                     tuple stride not None, tuple padding not None, tuple dilation not None):
    """gw (O, C·K) = dY · im2col(x)ᵀ without the columns: x (n, C, D, H, W), gy (n, O, L)."""
    cdef eng_conv_geometry g
    _fill_conv_geometry(&g, "conv_weight_grad", channels, in_size, out_size, kernel, stride,
                        padding, dilation)
    _conv_buffers("conv_weight_grad", x.shape[0], _product(
        "conv_weight_grad", "C·K·n·L", (g.channels, g.kernel[0], g.kernel[1], g.kernel[2], n,
                                        g.out[0], g.out[1], g.out[2])), n, &g)
    cdef Py_ssize_t o = _size_arg("conv_weight_grad", "out_channels", out_channels)
    if o < 0:
        raise ValueError(f"conv_weight_grad: out_channels must be >= 0, got {out_channels}")
    _check_size("conv_weight_grad", "gy", gy.shape[0], _product(
        "conv_weight_grad", "n·O·L", (n, o, g.out[0], g.out[1], g.out[2])))
    _check_size("conv_weight_grad", "gw", gw.shape[0], _product(
        "conv_weight_grad", "O·C·K", (o, g.channels, g.kernel[0], g.kernel[1], g.kernel[2])))
    cdef ptrdiff_t count = n
    if gw.shape[0] == 0:
        return
    with nogil:
        if floating is float:
            eng_conv_weight_grad_f32(&x[0] if x.shape[0] else NULL, &gy[0] if gy.shape[0] else NULL,
                                     &gw[0], count, o, &g)
        else:
            eng_conv_weight_grad_f64(&x[0] if x.shape[0] else NULL, &gy[0] if gy.shape[0] else NULL,
                                     &gw[0], count, o, &g)


cdef Py_ssize_t _forward_operands(str func, eng_conv_geometry *g, Py_ssize_t x_size,
                                  Py_ssize_t w_size, Py_ssize_t bias_size, Py_ssize_t y_size,
                                  object n, object out_channels, object channels,
                                  tuple in_size, tuple out_size, tuple kernel, tuple stride,
                                  tuple padding, tuple dilation) except -1:
    """Fill `g` and check a one-group forward's buffers, x (n, C, D, H, W), w (O, C·K), bias
    (O; size -1: none) and y (n, O, L), every size product checked for overflow; return O."""
    _fill_conv_geometry(g, func, channels, in_size, out_size, kernel, stride, padding,
                        dilation)
    _conv_buffers(func, x_size, _product(
        func, "C·K·n·L", (g.channels, g.kernel[0], g.kernel[1], g.kernel[2], n,
                          g.out[0], g.out[1], g.out[2])), n, g)
    cdef Py_ssize_t o = _size_arg(func, "out_channels", out_channels)
    if o < 0:
        raise ValueError(f"{func}: out_channels must be >= 0, got {out_channels}")
    _check_size(func, "w", w_size, _product(
        func, "O·C·K", (o, g.channels, g.kernel[0], g.kernel[1], g.kernel[2])))
    _check_size(func, "y", y_size, _product(func, "n·O·L", (n, o, g.out[0], g.out[1], g.out[2])))
    if bias_size >= 0:
        _check_size(func, "bias", bias_size, o)
    return o


def conv_direct(const floating[::1] x not None, const floating[::1] w not None,
                const floating[::1] bias, floating[::1] y not None, n, out_channels, channels,
                tuple in_size not None, tuple out_size not None, tuple kernel not None,
                tuple stride not None, tuple padding not None, tuple dilation not None):
    """y (n, O, D, H, W) = conv(x, w (O, C·K)) + bias without the columns, when this CPU's
    instruction set has a loop for the geometry: True, else False (y untouched)."""
    cdef eng_conv_geometry g
    cdef Py_ssize_t o = _forward_operands(
        "conv_direct", &g, x.shape[0], w.shape[0], -1 if bias is None else bias.shape[0],
        y.shape[0], n, out_channels, channels, in_size, out_size, kernel, stride, padding,
        dilation)
    cdef ptrdiff_t count = n
    cdef int done
    if y.shape[0] == 0 or w.shape[0] == 0:
        return False
    with nogil:
        if floating is float:
            done = eng_conv_direct_f32(&x[0], &w[0], &bias[0] if bias is not None else NULL,
                                       &y[0], count, o, &g)
        else:
            done = eng_conv_direct_f64(&x[0], &w[0], &bias[0] if bias is not None else NULL,
                                       &y[0], count, o, &g)
    return done == 0


def col2im(const floating[::1] cols not None, floating[::1] x not None, n, channels,
           tuple in_size not None, tuple out_size not None, tuple kernel not None,
           tuple stride not None, tuple padding not None, tuple dilation not None):
    """x (n, C, D, H, W) = col2im(cols (C·K, n·L)), overwriting x; the adjoint of im2col."""
    cdef eng_conv_geometry g
    _fill_conv_geometry(&g, "col2im", channels, in_size, out_size, kernel, stride, padding,
                        dilation)
    _conv_buffers("col2im", x.shape[0], cols.shape[0], n, &g)
    cdef ptrdiff_t count = n
    if x.shape[0] == 0:
        return
    if cols.shape[0] == 0:      # cannot happen with in/out/kernel >= 1, but stay safe
        x[:] = 0
        return
    with nogil:
        if floating is float:
            eng_col2im_f32(&cols[0], &x[0], count, &g)
        else:
            eng_col2im_f64(&cols[0], &x[0], count, &g)



cdef Py_ssize_t _by_chunk_work(str func, const eng_conv_geometry *g, Py_ssize_t n,
                               Py_ssize_t o, size_t itemsize, int threads,
                               bint backward) except -1:
    """The values conv_by_chunk (backward: conv_by_chunk_grads) needs in ``work`` at
    ``threads`` threads (csrc/conv/conv.h)."""
    cdef ptrdiff_t count = eng_conv_by_chunk_work(n, o, g, itemsize, threads, backward)
    if count < 0:
        raise ValueError(f"{func}: the work buffer's size overflows")
    return count


cdef int _threads_for_work(str func, const eng_conv_geometry *g, Py_ssize_t n, Py_ssize_t o,
                           size_t itemsize, bint backward, Py_ssize_t have) except -1:
    """The engine's thread count, or fewer when ``work`` holds the share of fewer (another
    Python thread changed the count since it was sized); ValueError when it does not hold
    even one thread's."""
    cdef int t = eng_get_num_threads()          # (always >= 1)
    while t > 1 and _by_chunk_work(func, g, n, o, itemsize, t, backward) > have:
        t -= 1
    needed = _by_chunk_work(func, g, n, o, itemsize, t, backward)
    if needed > have:
        raise ValueError(f"{func}: work must hold at least {needed} values, got {have}")
    return t


cdef int _by_chunk_args(str func, eng_conv_geometry *g, object n, object out_channels,
                        object channels, tuple in_size, tuple out_size, tuple kernel,
                        tuple stride, tuple padding, tuple dilation, Py_ssize_t *count,
                        Py_ssize_t *o) except -1:
    """The geometry, n and out_channels of a by_chunk call, checked."""
    _fill_conv_geometry(g, func, channels, in_size, out_size, kernel, stride, padding,
                        dilation)
    count[0] = _size_arg(func, "n", n)
    o[0] = _size_arg(func, "out_channels", out_channels)
    if count[0] < 0 or o[0] < 0:
        raise ValueError(f"{func}: n and out_channels must be >= 0, got {n} and {out_channels}")
    return 0


def conv_by_chunk_work(n, out_channels, itemsize, bint backward, channels,
                       tuple in_size not None, tuple out_size not None, tuple kernel not None,
                       tuple stride not None, tuple padding not None, tuple dilation not None):
    """How many values ``work`` must hold for conv_by_chunk (backward: conv_by_chunk_grads)
    at the engine's current thread count, for elements of ``itemsize`` bytes (4 or 8)."""
    cdef eng_conv_geometry g
    cdef Py_ssize_t count, o
    _by_chunk_args("conv_by_chunk", &g, n, out_channels, channels, in_size, out_size, kernel,
                   stride, padding, dilation, &count, &o)
    if itemsize not in (4, 8):
        raise ValueError(f"conv_by_chunk: itemsize must be 4 or 8, got {itemsize!r}")
    return _by_chunk_work("conv_by_chunk", &g, count, o, itemsize, eng_get_num_threads(),
                          backward)


def conv_by_chunk(const floating[::1] x not None, const floating[::1] w not None,
                  const floating[::1] bias, floating[::1] y not None,
                  floating[::1] work not None, n, out_channels, channels,
                  tuple in_size not None, tuple out_size not None, tuple kernel not None,
                  tuple stride not None, tuple padding not None, tuple dilation not None):
    """y (n, O, D, H, W) = conv(x, w (O, C·K)) + bias by the im2col path in cache-sized
    chunks of images (csrc/conv/conv.h); ``work`` holds conv_by_chunk_work(...) values."""
    cdef eng_conv_geometry g
    cdef Py_ssize_t o = _forward_operands(
        "conv_by_chunk", &g, x.shape[0], w.shape[0], -1 if bias is None else bias.shape[0],
        y.shape[0], n, out_channels, channels, in_size, out_size, kernel, stride, padding,
        dilation)
    cdef Py_ssize_t count = n
    cdef int threads = _threads_for_work("conv_by_chunk", &g, count, o, sizeof(floating),
                                         False, work.shape[0])
    if y.shape[0] == 0 or w.shape[0] == 0:
        return
    with nogil:
        if floating is float:
            eng_conv_by_chunk_f32(&x[0], &w[0], &bias[0] if bias is not None else NULL, &y[0],
                                  count, o, &g, &work[0], threads)
        else:
            eng_conv_by_chunk_f64(&x[0], &w[0], &bias[0] if bias is not None else NULL, &y[0],
                                  count, o, &g, &work[0], threads)


def conv_by_chunk_grads(const floating[::1] x not None, const floating[::1] w not None,
                        const floating[::1] gy not None, floating[::1] gx,
                        floating[::1] gw, floating[::1] work not None, n, out_channels,
                        channels, tuple in_size not None, tuple out_size not None,
                        tuple kernel not None, tuple stride not None, tuple padding not None,
                        tuple dilation not None):
    """gx (n, C, D, H, W) = col2im(Wᵀ·dY) and gw (O, C·K) = dY·im2col(x)ᵀ in cache-sized
    chunks of images (either may be None: not wanted); ``work`` holds
    conv_by_chunk_work(..., backward=True) values."""
    cdef eng_conv_geometry g
    cdef Py_ssize_t count, o
    _by_chunk_args("conv_by_chunk_grads", &g, n, out_channels, channels, in_size, out_size,
                   kernel, stride, padding, dilation, &count, &o)
    _conv_buffers("conv_by_chunk_grads", x.shape[0], _product(
        "conv_by_chunk_grads", "C·K·n·L", (g.channels, g.kernel[0], g.kernel[1], g.kernel[2],
                                           n, g.out[0], g.out[1], g.out[2])), n, &g)
    w_size = _product("conv_by_chunk_grads", "O·C·K",
                      (o, g.channels, g.kernel[0], g.kernel[1], g.kernel[2]))
    _check_size("conv_by_chunk_grads", "w", w.shape[0], w_size)
    _check_size("conv_by_chunk_grads", "gy", gy.shape[0], _product(
        "conv_by_chunk_grads", "n·O·L", (n, o, g.out[0], g.out[1], g.out[2])))
    if gx is not None:
        _check_size("conv_by_chunk_grads", "gx", gx.shape[0], x.shape[0])
    if gw is not None:
        _check_size("conv_by_chunk_grads", "gw", gw.shape[0], w_size)
    cdef int threads = _threads_for_work("conv_by_chunk_grads", &g, count, o,
                                         sizeof(floating), True, work.shape[0])
    if x.shape[0] == 0 or w.shape[0] == 0 or (gx is None and gw is None):
        if gx is not None:
            gx[:] = 0
        if gw is not None:
            gw[:] = 0
        return
    with nogil:
        if floating is float:
            eng_conv_by_chunk_grads_f32(&x[0], &w[0], &gy[0],
                                        &gx[0] if gx is not None else NULL,
                                        &gw[0] if gw is not None else NULL,
                                        count, o, &g, &work[0], threads)
        else:
            eng_conv_by_chunk_grads_f64(&x[0], &w[0], &gy[0],
                                        &gx[0] if gx is not None else NULL,
                                        &gw[0] if gw is not None else NULL,
                                        count, o, &g, &work[0], threads)

# ---------------------------------------------------------------------------
# pooling
# ---------------------------------------------------------------------------

cdef int _fill_pool_geometry(eng_pool_geometry *g, str func, object planes, tuple in_size,
                             tuple out_size, tuple kernel, tuple stride, tuple padding,
                             bint is_max) except -1:
    """Fill `g` from the user's geometry: ints in range, padding <= kernel / 2, the output
    size the one the others give, and every size the C code computes (h + 2·padding,
    planes·h·w, planes·oh·ow) within ptrdiff_t, checked on Python ints.  The window kh·kw
    may exceed it: the average's divisor is a floating-point product (csrc/conv/pool_body.h)
    and the loops visit only the window's part inside the plane."""
    for name, t in (("in_size", in_size), ("out_size", out_size), ("kernel", kernel),
                    ("stride", stride), ("padding", padding)):
        if len(t) != 2:
            raise ValueError(f"{func}: {name} must have 2 entries (height, width), got {t}")
    g.planes = _size_arg(func, "planes", planes)
    g.h, g.w = _size_arg(func, "in_size", in_size[0]), _size_arg(func, "in_size", in_size[1])
    g.oh, g.ow = _size_arg(func, "out_size", out_size[0]), _size_arg(func, "out_size", out_size[1])
    g.kh, g.kw = _size_arg(func, "kernel", kernel[0]), _size_arg(func, "kernel", kernel[1])
    g.sh, g.sw = _size_arg(func, "stride", stride[0]), _size_arg(func, "stride", stride[1])
    g.ph, g.pw = _size_arg(func, "padding", padding[0]), _size_arg(func, "padding", padding[1])
    if g.planes < 0 or g.h < 1 or g.w < 1 or g.kh < 1 or g.kw < 1 or g.sh < 1 or g.sw < 1 \
            or g.ph < 0 or g.pw < 0 or g.ph > g.kh // 2 or g.pw > g.kw // 2:
        raise ValueError(f"{func}: bad geometry: planes {planes}, input {in_size}, kernel "
                         f"{kernel}, stride {stride}, padding {padding} (padding <= kernel/2)")
    _fit(func, "height + 2 * padding", (<object>g.h) + 2 * (<object>g.ph))
    _fit(func, "width + 2 * padding", (<object>g.w) + 2 * (<object>g.pw))
    if g.oh != ((<object>g.h) + 2 * g.ph - g.kh) // g.sh + 1 \
            or g.ow != ((<object>g.w) + 2 * g.pw - g.kw) // g.sw + 1 or g.oh < 1 or g.ow < 1:
        raise ValueError(f"{func}: output size {out_size} does not match input {in_size}, "
                         f"kernel {kernel}, stride {stride}, padding {padding}")
    plane = _product(func, "the plane size h·w", (g.h, g.w))
    if is_max and plane > 2147483647:
        raise ValueError(f"{func}: planes of more than 2**31 - 1 elements are not supported "
                         f"(the argmax indices are int32), got {g.h}·{g.w}")
    _product(func, "the output size oh·ow", (g.oh, g.ow))
    return 0


cdef Py_ssize_t _pool_in(str func, const eng_pool_geometry *g) except? -1:
    return _product(func, "planes·h·w", (g.planes, g.h, g.w))


cdef Py_ssize_t _pool_out(str func, const eng_pool_geometry *g) except? -1:
    return _product(func, "planes·oh·ow", (g.planes, g.oh, g.ow))


def max_pool2d_forward(const floating[::1] x not None, floating[::1] y not None,
                       int32_t[::1] argmax not None, planes, tuple in_size not None,
                       tuple out_size not None, tuple kernel not None, tuple stride not None,
                       tuple padding not None):
    """y = max over each window; argmax = the flat (row·w + col) index of the maximum."""
    cdef eng_pool_geometry g
    _fill_pool_geometry(&g, "max_pool2d_forward", planes, in_size, out_size, kernel, stride,
                        padding, True)
    _check_size("max_pool2d_forward", "x", x.shape[0], _pool_in("max_pool2d_forward", &g))
    _check_size("max_pool2d_forward", "y", y.shape[0], _pool_out("max_pool2d_forward", &g))
    _check_size("max_pool2d_forward", "argmax", argmax.shape[0],
                _pool_out("max_pool2d_forward", &g))
    if g.planes == 0:
        return
    with nogil:
        if floating is float:
            eng_max_pool2d_forward_f32(&x[0], &y[0], &argmax[0], &g)
        else:
            eng_max_pool2d_forward_f64(&x[0], &y[0], &argmax[0], &g)


def max_pool2d_backward(const floating[::1] gy not None, const int32_t[::1] argmax not None,
                        floating[::1] gx not None, planes, tuple in_size not None,
                        tuple out_size not None, tuple kernel not None, tuple stride not None,
                        tuple padding not None):
    """gx = 0, then gx[argmax] += gy per plane."""
    cdef eng_pool_geometry g
    cdef Py_ssize_t plane_in
    _fill_pool_geometry(&g, "max_pool2d_backward", planes, in_size, out_size, kernel, stride,
                        padding, True)
    _check_size("max_pool2d_backward", "gy", gy.shape[0], _pool_out("max_pool2d_backward", &g))
    _check_size("max_pool2d_backward", "argmax", argmax.shape[0],
                _pool_out("max_pool2d_backward", &g))
    _check_size("max_pool2d_backward", "gx", gx.shape[0], _pool_in("max_pool2d_backward", &g))
    if g.planes == 0:
        return
    # an index outside its plane would write out of bounds: check them all (cheap, no GIL)
    plane_in = g.h * g.w
    cdef ptrdiff_t bad
    with nogil:
        bad = eng_pool_count_bad_indices(&argmax[0], argmax.shape[0], <int32_t>plane_in)
    if bad:
        raise ValueError(f"max_pool2d_backward: argmax holds an index outside [0, {plane_in})")
    with nogil:
        if floating is float:
            eng_max_pool2d_backward_f32(&gy[0], &argmax[0], &gx[0], &g)
        else:
            eng_max_pool2d_backward_f64(&gy[0], &argmax[0], &gx[0], &g)


def avg_pool2d_forward(const floating[::1] x not None, floating[::1] y not None, planes,
                       tuple in_size not None, tuple out_size not None, tuple kernel not None,
                       tuple stride not None, tuple padding not None):
    """y = sum over each window / (kh·kw) (padding counted as zeros)."""
    cdef eng_pool_geometry g
    _fill_pool_geometry(&g, "avg_pool2d_forward", planes, in_size, out_size, kernel, stride,
                        padding, False)
    _check_size("avg_pool2d_forward", "x", x.shape[0], _pool_in("avg_pool2d_forward", &g))
    _check_size("avg_pool2d_forward", "y", y.shape[0], _pool_out("avg_pool2d_forward", &g))
    if g.planes == 0:
        return
    with nogil:
        if floating is float:
            eng_avg_pool2d_forward_f32(&x[0], &y[0], &g)
        else:
            eng_avg_pool2d_forward_f64(&x[0], &y[0], &g)


def avg_pool2d_backward(const floating[::1] gy not None, floating[::1] gx not None, planes,
                        tuple in_size not None, tuple out_size not None, tuple kernel not None,
                        tuple stride not None, tuple padding not None):
    """gx = Σ over the windows containing each element of gy / (kh·kw)."""
    cdef eng_pool_geometry g
    _fill_pool_geometry(&g, "avg_pool2d_backward", planes, in_size, out_size, kernel, stride,
                        padding, False)
    _check_size("avg_pool2d_backward", "gy", gy.shape[0], _pool_out("avg_pool2d_backward", &g))
    _check_size("avg_pool2d_backward", "gx", gx.shape[0], _pool_in("avg_pool2d_backward", &g))
    if g.planes == 0:
        return
    with nogil:
        if floating is float:
            eng_avg_pool2d_backward_f32(&gy[0], &gx[0], &g)
        else:
            eng_avg_pool2d_backward_f64(&gy[0], &gx[0], &g)


