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
    void eng_col2im_f32(const float *cols, float *x, ptrdiff_t n, const eng_conv_geometry *g)
    void eng_col2im_f64(const double *cols, double *x, ptrdiff_t n, const eng_conv_geometry *g)


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


cdef int _fill_conv_geometry(eng_conv_geometry *g, Py_ssize_t channels, tuple in_size,
                             tuple out_size, tuple kernel, tuple stride, tuple padding,
                             tuple dilation) except -1:
    cdef int a
    for name, t in (("in_size", in_size), ("out_size", out_size), ("kernel", kernel),
                    ("stride", stride), ("padding", padding), ("dilation", dilation)):
        if len(t) != 3:
            raise ValueError(f"im2col: {name} must have 3 entries (depth, height, width), got {t}")
    if channels < 0:
        raise ValueError(f"im2col: channels must be >= 0, got {channels}")
    g.channels = channels
    for a in range(3):
        g.in_[a], g.out[a], g.kernel[a] = in_size[a], out_size[a], kernel[a]
        g.stride[a], g.pad[a], g.dilation[a] = stride[a], padding[a], dilation[a]
        if g.in_[a] < 1 or g.out[a] < 1 or g.kernel[a] < 1 or g.stride[a] < 1 \
                or g.pad[a] < 0 or g.dilation[a] < 1:
            raise ValueError(f"im2col: bad geometry on axis {a}: in {g.in_[a]}, out {g.out[a]}, "
                             f"kernel {g.kernel[a]}, stride {g.stride[a]}, pad {g.pad[a]}, "
                             f"dilation {g.dilation[a]}")
        # the last window must end inside the padded input (out matches the other sizes)
        if (g.out[a] - 1) * g.stride[a] + g.dilation[a] * (g.kernel[a] - 1) \
                > g.in_[a] + 2 * g.pad[a] - 1:
            raise ValueError(f"im2col: output size {g.out[a]} on axis {a} is too large for "
                             f"input {g.in_[a]}, kernel {g.kernel[a]}, stride {g.stride[a]}, "
                             f"padding {g.pad[a]}, dilation {g.dilation[a]}")
    return 0


def im2col(const floating[::1] x, floating[::1] cols, Py_ssize_t n, Py_ssize_t channels,
           tuple in_size, tuple out_size, tuple kernel, tuple stride, tuple padding,
           tuple dilation):
    """cols (C·K, n·L) = im2col(x (n, C, D, H, W)); see csrc/conv/conv.h for the layout."""
    cdef eng_conv_geometry g
    _fill_conv_geometry(&g, channels, in_size, out_size, kernel, stride, padding, dilation)
    cdef object plane = (<object>in_size[0]) * in_size[1] * in_size[2]
    cdef object k = (<object>kernel[0]) * kernel[1] * kernel[2]
    cdef object l = (<object>out_size[0]) * out_size[1] * out_size[2]
    if n < 0:
        raise ValueError(f"im2col: n must be >= 0, got {n}")
    _check_size("im2col", "x", x.shape[0], n * channels * plane)
    _check_size("im2col", "cols", cols.shape[0], channels * k * n * l)
    if x.shape[0] == 0 or cols.shape[0] == 0:
        return
    with nogil:
        if floating is float:
            eng_im2col_f32(&x[0], &cols[0], n, &g)
        else:
            eng_im2col_f64(&x[0], &cols[0], n, &g)


def col2im(const floating[::1] cols, floating[::1] x, Py_ssize_t n, Py_ssize_t channels,
           tuple in_size, tuple out_size, tuple kernel, tuple stride, tuple padding,
           tuple dilation):
    """x (n, C, D, H, W) = col2im(cols (C·K, n·L)), overwriting x; the adjoint of im2col."""
    cdef eng_conv_geometry g
    _fill_conv_geometry(&g, channels, in_size, out_size, kernel, stride, padding, dilation)
    cdef object plane = (<object>in_size[0]) * in_size[1] * in_size[2]
    cdef object k = (<object>kernel[0]) * kernel[1] * kernel[2]
    cdef object l = (<object>out_size[0]) * out_size[1] * out_size[2]
    if n < 0:
        raise ValueError(f"col2im: n must be >= 0, got {n}")
    _check_size("col2im", "x", x.shape[0], n * channels * plane)
    _check_size("col2im", "cols", cols.shape[0], channels * k * n * l)
    if x.shape[0] == 0:
        return
    if cols.shape[0] == 0:      # cannot happen with in/out/kernel >= 1, but stay safe
        x[:] = 0
        return
    with nogil:
        if floating is float:
            eng_col2im_f32(&cols[0], &x[0], n, &g)
        else:
            eng_col2im_f64(&cols[0], &x[0], n, &g)


# ---------------------------------------------------------------------------
# pooling
# ---------------------------------------------------------------------------

cdef int _fill_pool_geometry(eng_pool_geometry *g, str func, Py_ssize_t planes, tuple in_size,
                             tuple out_size, tuple kernel, tuple stride, tuple padding,
                             bint is_max) except -1:
    g.planes = planes
    g.h, g.w = in_size
    g.oh, g.ow = out_size
    g.kh, g.kw = kernel
    g.sh, g.sw = stride
    g.ph, g.pw = padding
    if planes < 0 or g.h < 1 or g.w < 1 or g.kh < 1 or g.kw < 1 or g.sh < 1 or g.sw < 1 \
            or g.ph < 0 or g.pw < 0 or 2 * g.ph > g.kh or 2 * g.pw > g.kw:
        raise ValueError(f"{func}: bad geometry: planes {planes}, input {in_size}, kernel "
                         f"{kernel}, stride {stride}, padding {padding} (padding <= kernel/2)")
    if g.oh != (g.h + 2 * g.ph - g.kh) // g.sh + 1 or g.ow != (g.w + 2 * g.pw - g.kw) // g.sw + 1 \
            or g.oh < 1 or g.ow < 1:
        raise ValueError(f"{func}: output size {out_size} does not match input {in_size}, "
                         f"kernel {kernel}, stride {stride}, padding {padding}")
    if is_max and g.h * g.w > 2147483647:
        raise ValueError(f"{func}: planes of more than 2**31 - 1 elements are not supported")
    return 0


def max_pool2d_forward(const floating[::1] x, floating[::1] y, int32_t[::1] argmax,
                       Py_ssize_t planes, tuple in_size, tuple out_size, tuple kernel,
                       tuple stride, tuple padding):
    """y = max over each window; argmax = the flat (row·w + col) index of the maximum."""
    cdef eng_pool_geometry g
    _fill_pool_geometry(&g, "max_pool2d_forward", planes, in_size, out_size, kernel, stride,
                        padding, True)
    _check_size("max_pool2d_forward", "x", x.shape[0], planes * g.h * g.w)
    _check_size("max_pool2d_forward", "y", y.shape[0], planes * g.oh * g.ow)
    _check_size("max_pool2d_forward", "argmax", argmax.shape[0], planes * g.oh * g.ow)
    if planes == 0:
        return
    with nogil:
        if floating is float:
            eng_max_pool2d_forward_f32(&x[0], &y[0], &argmax[0], &g)
        else:
            eng_max_pool2d_forward_f64(&x[0], &y[0], &argmax[0], &g)


def max_pool2d_backward(const floating[::1] gy, const int32_t[::1] argmax, floating[::1] gx,
                        Py_ssize_t planes, tuple in_size, tuple out_size, tuple kernel,
                        tuple stride, tuple padding):
    """gx = 0, then gx[argmax] += gy per plane."""
    cdef eng_pool_geometry g
    cdef Py_ssize_t plane_in
    _fill_pool_geometry(&g, "max_pool2d_backward", planes, in_size, out_size, kernel, stride,
                        padding, True)
    _check_size("max_pool2d_backward", "gy", gy.shape[0], planes * g.oh * g.ow)
    _check_size("max_pool2d_backward", "argmax", argmax.shape[0], planes * g.oh * g.ow)
    _check_size("max_pool2d_backward", "gx", gx.shape[0], planes * g.h * g.w)
    if planes == 0:
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


def avg_pool2d_forward(const floating[::1] x, floating[::1] y, Py_ssize_t planes, tuple in_size,
                       tuple out_size, tuple kernel, tuple stride, tuple padding):
    """y = sum over each window / (kh·kw) (padding counted as zeros)."""
    cdef eng_pool_geometry g
    _fill_pool_geometry(&g, "avg_pool2d_forward", planes, in_size, out_size, kernel, stride,
                        padding, False)
    _check_size("avg_pool2d_forward", "x", x.shape[0], planes * g.h * g.w)
    _check_size("avg_pool2d_forward", "y", y.shape[0], planes * g.oh * g.ow)
    if planes == 0:
        return
    with nogil:
        if floating is float:
            eng_avg_pool2d_forward_f32(&x[0], &y[0], &g)
        else:
            eng_avg_pool2d_forward_f64(&x[0], &y[0], &g)


def avg_pool2d_backward(const floating[::1] gy, floating[::1] gx, Py_ssize_t planes,
                        tuple in_size, tuple out_size, tuple kernel, tuple stride, tuple padding):
    """gx = Σ over the windows containing each element of gy / (kh·kw)."""
    cdef eng_pool_geometry g
    _fill_pool_geometry(&g, "avg_pool2d_backward", planes, in_size, out_size, kernel, stride,
                        padding, False)
    _check_size("avg_pool2d_backward", "gy", gy.shape[0], planes * g.oh * g.ow)
    _check_size("avg_pool2d_backward", "gx", gx.shape[0], planes * g.h * g.w)
    if planes == 0:
        return
    with nogil:
        if floating is float:
            eng_avg_pool2d_backward_f32(&gy[0], &gx[0], &g)
        else:
            eng_avg_pool2d_backward_f64(&gy[0], &gx[0], &g)

