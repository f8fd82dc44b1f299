"""Hostile sizes and buffers given straight to engine._C and through the functional API: every
size product, padded size and window end the C code computes is checked for overflow (on
Python ints) before the GIL is released, so a huge stride, padding, kernel or count gives a
ValueError, and a float, bool or string size a TypeError -- never a wrapped-around product
that lets C read or write past a buffer, never a wrong divisor, never an OverflowError from
a C conversion.  Buffers that are None, of the wrong dtype, mixed dtypes, not contiguous or
of the wrong dimension are refused the same way."""
import numpy as np
import pytest

import engine
import engine.nn.functional as F
from engine import Tensor

C = pytest.importorskip("engine._C")

BIG = [2**31, 2**32, 2**62, 2**63 - 1, 2**63, 2**64, 10**30]
f32 = np.float32


def zeros(n, dtype=f32):
    return np.zeros(n, dtype)


def im2col(x, cols, n=1, channels=1, in_size=(1, 1, 4), out_size=(1, 1, 2), kernel=(1, 1, 3),
           stride=(1, 1, 1), padding=(0, 0, 0), dilation=(1, 1, 1)):
    C.im2col(x, cols, n, channels, in_size, out_size, kernel, stride, padding, dilation)


# ---------------------------------------------------------------- im2col / col2im

def test_im2col_with_a_sane_geometry_still_works():
    x = np.arange(4, dtype=f32)
    cols = zeros(6)
    im2col(x, cols)
    np.testing.assert_array_equal(cols.reshape(3, 2), [[0, 1], [1, 2], [2, 3]])


@pytest.mark.parametrize("stride", [2**62, 2**62 + 1, 2**63 - 1])
def test_im2col_stride_whose_window_end_wraps_around_is_refused(stride):
    # (out - 1) * stride overflowed ptrdiff_t and passed the old check: C read far outside x
    with pytest.raises(ValueError, match="too large"):
        C.im2col(zeros(1), zeros(3), 1, 1, (1, 1, 1), (1, 1, 3), (1, 1, 1), (1, 1, stride),
                 (0, 0, 0), (1, 1, 1))
    with pytest.raises(ValueError, match="too large"):
        C.col2im(zeros(3), zeros(1), 1, 1, (1, 1, 1), (1, 1, 3), (1, 1, 1), (1, 1, stride),
                 (0, 0, 0), (1, 1, 1))


@pytest.mark.parametrize("dilation", [2**61, 2**62, 2**63 - 1])
def test_im2col_dilation_that_overflows_is_refused(dilation):
    with pytest.raises(ValueError, match="too large"):
        C.im2col(zeros(1), zeros(2), 1, 1, (1, 1, 1), (1, 1, 1), (1, 1, 2), (1, 1, 1),
                 (0, 0, 0), (1, 1, dilation))


@pytest.mark.parametrize("padding", [2**62, 2**63 - 1])
def test_im2col_padding_whose_padded_size_overflows_is_refused(padding):
    with pytest.raises(ValueError, match="too large"):
        C.im2col(zeros(1), zeros(1), 1, 1, (1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 1, 1),
                 (0, 0, padding), (1, 1, 1))


@pytest.mark.parametrize("big", BIG[4:])
@pytest.mark.parametrize("where", ["n", "channels", "in_size", "kernel", "stride", "padding"])
def test_im2col_sizes_beyond_the_c_type_give_valueerror_not_overflowerror(big, where):
    args = dict(n=1, channels=1, in_size=(1, 1, 4), kernel=(1, 1, 3), stride=(1, 1, 1),
                padding=(0, 0, 0))
    args[where] = big if where in ("n", "channels") else (1, 1, big)
    with pytest.raises(ValueError):
        im2col(zeros(4), zeros(6), **args)


@pytest.mark.parametrize("bad", [1.0, 2.5, True, "1", None, float("nan")])
def test_im2col_sizes_that_are_not_ints_give_typeerror(bad):
    with pytest.raises(TypeError):
        im2col(zeros(4), zeros(6), n=bad)
    with pytest.raises(TypeError):
        im2col(zeros(4), zeros(6), kernel=(1, 1, bad))


def test_im2col_products_that_wrap_to_the_buffer_size_are_refused():
    # n * C * plane = 2**64 wraps to 0 in 64-bit arithmetic: an empty x "matched"
    with pytest.raises(ValueError, match="too large"):
        C.im2col(zeros(0), zeros(0), 2**32, 2**32, (1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 1, 1),
                 (0, 0, 0), (1, 1, 1))


# ---------------------------------------------------------------- the im2col path in chunks

GEOMETRY = ((1, 1, 4), (1, 1, 2), (1, 1, 3), (1, 1, 1), (0, 0, 0), (1, 1, 1))


def test_conv_by_chunk_products_that_wrap_are_refused():
    # n * C * plane = 2**64 wraps to 0: empty buffers would "match"
    with pytest.raises(ValueError, match="too large"):
        C.conv_by_chunk(zeros(0), zeros(0), None, zeros(0), zeros(0), 2**32, 1, 2**32,
                        (1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 1, 1), (0, 0, 0), (1, 1, 1))
    with pytest.raises(ValueError, match="too large"):
        C.conv_by_chunk_grads(zeros(0), zeros(0), zeros(0), None, zeros(0), zeros(0), 2**32, 1,
                              2**32, (1, 1, 1), (1, 1, 1), (1, 1, 1), (1, 1, 1), (0, 0, 0),
                              (1, 1, 1))


@pytest.mark.parametrize("big", BIG)
def test_conv_by_chunk_sizes_beyond_the_c_type_give_valueerror(big):
    with pytest.raises(ValueError):
        C.conv_by_chunk(zeros(4), zeros(3), None, zeros(2), zeros(64), 1, big, 1, *GEOMETRY)
    if big < 2**63:     # a count of images or channels C can hold: its work is a count too
        assert C.conv_by_chunk_work(big, 1, 4, True, 1, *GEOMETRY) > 0
        return
    with pytest.raises(ValueError):
        C.conv_by_chunk_work(big, 1, 4, True, 1, *GEOMETRY)
    with pytest.raises(ValueError):
        C.conv_by_chunk_work(1, big, 4, True, 1, *GEOMETRY)


def test_conv_by_chunk_work_that_overflows_is_refused():
    # each size fits, the work's product does not
    with pytest.raises(ValueError, match="overflows|too large"):
        C.conv_by_chunk_work(2**40, 2**40, 8, True, 2**20, (1, 1, 4), (1, 1, 2), (1, 1, 3),
                             (1, 1, 1), (0, 0, 0), (1, 1, 1))


@pytest.mark.parametrize("bad", [1.5, "2", None])
def test_conv_by_chunk_sizes_that_are_not_ints_give_typeerror(bad):
    with pytest.raises(TypeError):
        C.conv_by_chunk(zeros(4), zeros(3), None, zeros(2), zeros(64), bad, 1, 1, *GEOMETRY)
    with pytest.raises(TypeError):
        C.conv_by_chunk_work(1, bad, 4, False, 1, *GEOMETRY)


def test_conv_by_chunk_refuses_mixed_dtypes_and_small_buffers():
    with pytest.raises((TypeError, ValueError), match="dtype"):
        C.conv_by_chunk(zeros(4), zeros(3, np.float64), None, zeros(2), zeros(64), 1, 1, 1,
                        *GEOMETRY)
    with pytest.raises(ValueError, match="y"):
        C.conv_by_chunk(zeros(4), zeros(3), None, zeros(1), zeros(64), 1, 1, 1, *GEOMETRY)
    with pytest.raises(ValueError, match="gw"):
        C.conv_by_chunk_grads(zeros(4), zeros(3), zeros(2), None, zeros(2), zeros(64), 1, 1, 1,
                              *GEOMETRY)
    # a right answer where the buffers fit: y = x[i:i+3] · w
    y = zeros(2)
    C.conv_by_chunk(np.arange(4, dtype=f32), np.ones(3, f32), None, y, zeros(64), 1, 1, 1,
                    *GEOMETRY)
    np.testing.assert_array_equal(y, [3, 6])


# ---------------------------------------------------------------- pooling

def pool_args(planes=1, in_size=(4, 4), out_size=(2, 2), kernel=(2, 2), stride=(2, 2),
              padding=(0, 0)):
    return planes, in_size, out_size, kernel, stride, padding


def test_pool_product_that_wraps_to_zero_is_refused():
    # planes * h * w = 2**64 wrapped to 0: empty buffers "matched", then C ran 2**32 planes
    args = pool_args(planes=2**32, in_size=(2**32, 1), out_size=(2**32, 1), kernel=(1, 1),
                     stride=(1, 1))
    with pytest.raises(ValueError, match="too large"):
        C.avg_pool2d_forward(zeros(0), zeros(0), *args)
    with pytest.raises(ValueError, match="too large"):
        C.avg_pool2d_backward(zeros(0), zeros(0), *args)


@pytest.mark.parametrize("k", [2**32, 2**40, 2**62])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pool_window_whose_size_overflows_still_gives_the_right_answer(k, dtype):
    # kh * kw wrapped around in ptrdiff_t (2**80 -> 0): the average was divided by a wrong
    # (or zero) divisor.  The divisor is now a floating-point product, so a window larger
    # than the C type is still exact; every window here holds the one input element.
    args = pool_args(in_size=(1, 1), out_size=(2, 2), kernel=(k, k), stride=(1, 1),
                     padding=(k // 2, k // 2))
    x, y = np.array([3.0], dtype), np.zeros(4, dtype)
    C.avg_pool2d_forward(x, y, *args)
    np.testing.assert_allclose(y, 3.0 / (float(k) * float(k)), rtol=1e-6)
    argmax = np.full(4, -1, np.int32)
    C.max_pool2d_forward(x, y, argmax, *args)
    np.testing.assert_array_equal(y, 3.0)
    np.testing.assert_array_equal(argmax, 0)


def test_pool_padding_whose_padded_size_overflows_is_refused():
    p = 2**62
    args = pool_args(in_size=(1, 1), out_size=(1, 1), kernel=(2 * p, 1), stride=(2**63 - 1, 1),
                     padding=(p, 0))
    with pytest.raises(ValueError):
        C.avg_pool2d_forward(zeros(1), zeros(1), *args)


@pytest.mark.parametrize("big", BIG[5:])
@pytest.mark.parametrize("where", ["planes", "in_size", "kernel", "stride", "padding"])
def test_pool_sizes_beyond_the_c_type_give_valueerror(big, where):
    args = dict(planes=1, in_size=(4, 4), kernel=(2, 2), stride=(2, 2), padding=(0, 0))
    args[where] = big if where == "planes" else (big, 1)
    with pytest.raises(ValueError):
        C.avg_pool2d_forward(zeros(16), zeros(4), args["planes"], args["in_size"], (2, 2),
                             args["kernel"], args["stride"], args["padding"])


@pytest.mark.parametrize("bad", [2.0, True, "2", None])
def test_pool_sizes_that_are_not_ints_give_typeerror(bad):
    with pytest.raises(TypeError):
        C.avg_pool2d_forward(zeros(16), zeros(4), *pool_args(kernel=(bad, 2)))
    with pytest.raises(TypeError):
        C.max_pool2d_forward(zeros(16), zeros(4), np.zeros(4, np.int32), *pool_args(planes=bad))


def test_pool_wrong_tuple_lengths_give_valueerror():
    with pytest.raises(ValueError):
        C.avg_pool2d_forward(zeros(16), zeros(4), *pool_args(kernel=(2, 2, 2)))


@pytest.mark.parametrize("k", [2**40, 2**62])
def test_functional_pooling_with_absurd_windows_is_right(k):
    x = np.random.default_rng(0).standard_normal((1, 1, 4, 4))
    avg = F.avg_pool2d(Tensor(x), (k, k), padding=(k // 2, k // 2)).numpy()
    np.testing.assert_allclose(avg, x.sum() / (float(k) * float(k)), rtol=1e-9)
    np.testing.assert_array_equal(F.max_pool2d(Tensor(x), (k, k), padding=(k // 2, k // 2))
                                  .numpy(), x.max())


@pytest.mark.parametrize("k", [2**63, 2**64])
def test_functional_pooling_with_windows_beyond_the_c_type_raises(k):
    x = Tensor(np.ones((1, 1, 4, 4), f32))
    with pytest.raises(ValueError):
        F.avg_pool2d(x, (k, 1), padding=(k // 2, 0))
    with pytest.raises(ValueError):
        F.max_pool2d(x, (k, 1), padding=(k // 2, 0))


def test_functional_conv_with_a_stride_beyond_the_c_type_raises_valueerror():
    x, w = Tensor(np.ones((1, 1, 4, 4), f32)), Tensor(np.ones((1, 1, 3, 3), f32))
    with pytest.raises(ValueError):
        F.conv2d(x, w, stride=2**70)
    # a huge stride that fits is a valid convolution: one window
    np.testing.assert_allclose(F.conv2d(x, w, stride=2**62).numpy(), [[[[9.0]]]])


@pytest.mark.parametrize("size", [2**62, 10**6, 0, -1])
def test_adaptive_pooling_to_an_absurd_size_raises_at_once(size):
    # 2**62 used to build a list of 2**62 windows (the process was killed for memory)
    with pytest.raises(ValueError, match="output_size"):
        F.adaptive_avg_pool2d(Tensor(np.ones((1, 1, 4, 4), f32)), size)


@pytest.mark.parametrize("size", [True, 2.0])
def test_adaptive_pooling_size_that_is_not_an_int_is_refused(size):
    with pytest.raises((TypeError, ValueError), match="output_size"):
        F.adaptive_avg_pool2d(Tensor(np.ones((1, 1, 4, 4), f32)), (size, 2))


def test_adaptive_pooling_may_still_upscale():
    y = F.adaptive_avg_pool2d(Tensor(np.ones((1, 1, 3, 5), f32)), (6, 7))
    assert y.shape == (1, 1, 6, 7)


# ---------------------------------------------------------------- winograd

@pytest.mark.parametrize("pad", [2**62, 2**63 - 1])
def test_winograd_padding_that_overflows_is_refused(pad):
    with pytest.raises(ValueError, match="too large"):
        C.winograd_input(zeros(4), zeros(16), 1, 1, 2, 2, pad, 0)


@pytest.mark.parametrize("big", [2**63, 2**64])
def test_winograd_sizes_beyond_the_c_type_give_valueerror(big):
    with pytest.raises(ValueError):
        C.winograd_filter(zeros(9), zeros(16), big, 1)
    with pytest.raises(ValueError):
        C.winograd_output(zeros(16), None, zeros(4), 1, 1, big, 2)


def test_winograd_products_that_wrap_are_refused():
    with pytest.raises(ValueError, match="too large"):
        C.winograd_filter(zeros(0), zeros(0), 2**62, 2**62)


@pytest.mark.parametrize("bad", [1.5, True, "1", None])
def test_winograd_sizes_that_are_not_ints_give_typeerror(bad):
    with pytest.raises(TypeError):
        C.winograd_filter(zeros(9), zeros(16), bad, 1)
    with pytest.raises(TypeError):
        C.winograd_filter(zeros(9), zeros(16), 1, 1, bad)          # the tile


@pytest.mark.parametrize("tile", [0, 1, 3, 5, -4, 2**40])
def test_winograd_tiles_other_than_2_and_4_are_refused(tile):
    with pytest.raises(ValueError, match="tile must be 2 or 4"):
        C.winograd_filter(zeros(9), zeros(36), 1, 1, tile)
    with pytest.raises(ValueError, match="tile must be 2 or 4"):
        C.winograd_conv(zeros(16), zeros(36), None, zeros(16), 1, 1, 1, 4, 4, 1, 1, tile)


def test_winograd_buffers_too_small_for_the_larger_tile_are_refused():
    """36 entries per tile for F(4×4, 3×3): buffers sized for F(2×2)'s 16 do not pass."""
    with pytest.raises(ValueError):
        C.winograd_filter(zeros(9), zeros(16), 1, 1, 4)
    with pytest.raises(ValueError):
        C.winograd_input(zeros(16), zeros(16), 1, 1, 4, 4, 1, 1, 4)
    with pytest.raises(ValueError):
        C.winograd_output(zeros(16), None, zeros(16), 1, 1, 4, 4, 4)
    with pytest.raises(ValueError):
        C.winograd_conv(zeros(16), zeros(16), None, zeros(16), 1, 1, 1, 4, 4, 1, 1, 4)


# ---------------------------------------------------------------- activations, softmax

@pytest.mark.parametrize("big", [2**63, 2**64, 10**30])
def test_softmax_and_prelu_sizes_beyond_the_c_type_give_valueerror(big):
    with pytest.raises(ValueError):
        C.softmax_forward(zeros(4), zeros(4), big, 1, 1)
    with pytest.raises(ValueError):
        C.log_softmax_backward(zeros(4), zeros(4), zeros(4), 1, big, 1)
    with pytest.raises(ValueError):
        C.prelu_forward(zeros(4), zeros(1), zeros(4), 4, 1, big)


def test_softmax_product_that_wraps_to_the_size_is_refused():
    with pytest.raises(ValueError):
        C.softmax_forward(zeros(0), zeros(0), 2**32, 2**32, 1)
    with pytest.raises(ValueError):
        C.softmax_forward(zeros(4), zeros(4), 2**62 + 1, 4, 1)


@pytest.mark.parametrize("bad", [1.0, True, "1", None])
def test_softmax_sizes_that_are_not_ints_give_typeerror(bad):
    with pytest.raises(TypeError):
        C.softmax_forward(zeros(4), zeros(4), bad, 4, 1)


# ---------------------------------------------------------------- buffers

ELEMENTWISE = [lambda x, y: C.relu_forward(x, y), lambda x, y: C.sigmoid_forward(x, y),
               lambda x, y: C.leaky_relu_forward(x, y, 0.1),
               lambda x, y: C.relu_backward(x, x, y), lambda x, y: C.tanh_backward(x, x, y)]


@pytest.mark.parametrize("call", ELEMENTWISE)
@pytest.mark.parametrize("x,y", [
    (None, None), (None, np.zeros(4, f32)), (np.zeros(4, f32), None),
    (np.zeros(4, f32), np.zeros(4)),                       # float32 with float64
    (np.zeros(4, np.int32), np.zeros(4, np.int32)),        # not float
    (np.zeros(8, f32)[::2], np.zeros(4, f32)),             # not contiguous
    (np.zeros((2, 2), f32), np.zeros((2, 2), f32)),        # not 1-D
    (np.zeros(4, f32), np.zeros(3, f32)),                  # wrong size
    ([0.0] * 4, [0.0] * 4),                                # not an array
], ids=["none", "x-none", "y-none", "mixed-dtype", "int", "strided", "2d", "size", "list"])
def test_elementwise_kernels_refuse_bad_buffers(call, x, y):
    with pytest.raises((TypeError, ValueError)):
        call(x, y)


@pytest.mark.parametrize("args", [
    (None, None, None, 0.1, 0.0, 0.0, False, 0.0, True),
    (np.zeros(4, f32), None, None, 0.1, 0.0, 0.0, False, 0.0, True),
    (np.zeros(4, f32), np.zeros(4), None, 0.1, 0.0, 0.0, False, 0.0, True),
    (np.zeros(4, f32), np.zeros(3, f32), None, 0.1, 0.0, 0.0, False, 0.0, True),
    (np.zeros(4, f32), np.zeros(4, f32), None, 0.1, 0.9, 0.0, False, 0.0, True),
], ids=["all-none", "g-none", "mixed-dtype", "size", "momentum-without-buffer"])
def test_optimizer_kernels_refuse_bad_buffers(args):
    with pytest.raises((TypeError, ValueError)):
        C.sgd_step(*args)


def test_adam_refuses_missing_state():
    w = np.zeros(4, f32)
    with pytest.raises((TypeError, ValueError)):
        C.adam_step(w, w.copy(), None, w.copy(), None, 0.1, 0.9, 0.99, 1e-8, 0.0, False, 1, 1)


@pytest.mark.parametrize("args", [
    (None, None), (np.zeros(4, f32), None), (None, np.zeros(4, f32)),
    (np.zeros((2, 2), f32), np.zeros((2, 2), f32), np.zeros(4)),
], ids=["none", "pool-y-none", "pool-x-none", "mixed-dtype"])
def test_pooling_refuses_bad_buffers(args):
    x, y = args[0], args[1]
    with pytest.raises((TypeError, ValueError)):
        C.avg_pool2d_forward(x, y, *pool_args(in_size=(2, 2), out_size=(1, 1)))


@pytest.mark.parametrize("a,b", [
    (np.zeros((2, 2), f32), np.zeros((2, 2))),             # mixed dtypes
    (np.zeros((2, 2), np.int64), np.zeros((2, 2), np.int64)),
    (np.zeros(4, f32), np.zeros(4, f32)),                  # 1-D
    (None, np.zeros((2, 2), f32)),
    (np.zeros((2, 3), f32), np.zeros((2, 3), f32)),        # inner sizes differ
], ids=["mixed", "int", "1d", "none", "inner"])
def test_gemm_refuses_bad_operands(a, b):
    with pytest.raises((TypeError, ValueError)):
        C.gemm(a, b)


def test_gemm_refuses_an_output_of_the_wrong_shape_or_a_readonly_one():
    a = np.ones((2, 2), f32)
    with pytest.raises(ValueError):
        C.gemm(a, a, np.zeros((3, 2), f32))
    with pytest.raises(ValueError):
        C.gemm(a, a, np.broadcast_to(np.float32(0), (2, 2)))
    with pytest.raises(TypeError):
        C.gemm(a, a, np.zeros((2, 2)))


def test_gemm_with_zero_stride_operands_of_a_large_declared_size_is_exact():
    # a broadcast row stands for 2**16 columns without the memory: k = 2**16 ones
    a = np.broadcast_to(np.float32(1), (2, 2**16))
    b = np.broadcast_to(np.float32(1), (2**16, 3))
    np.testing.assert_array_equal(C.gemm(a, b), np.full((2, 3), 2**16, f32))


@pytest.mark.parametrize("threads", [0, -1, 10**6, 2**31, 2**63])
def test_peak_measurement_refuses_a_thread_count_out_of_range(threads):
    # 10**6 threads made the OpenMP runtime fail and the process die
    with pytest.raises(ValueError, match="threads"):
        C.measure_peak_gflops("float32", None, threads)


@pytest.mark.parametrize("threads", [2.0, True, "2", None])
def test_peak_measurement_refuses_a_thread_count_that_is_not_an_int(threads):
    with pytest.raises(TypeError):
        C.measure_peak_gflops("float32", None, threads)


def test_engine_still_computes_after_all_that():
    x = Tensor(np.arange(16, dtype=f32).reshape(1, 1, 4, 4))
    np.testing.assert_allclose(F.avg_pool2d(x, 2).numpy().ravel(), [2.5, 4.5, 10.5, 12.5])
    assert engine.get_num_threads() >= 1


@pytest.mark.parametrize("kwargs", [dict(kc=2**31), dict(mc=2**40), dict(nc=-1),
                                    dict(small_max=2**40), dict(small_max=-2)])
def test_gemm_block_overrides_out_of_the_c_range_give_valueerror(kwargs):
    with pytest.raises(ValueError):
        C.gemm_set_blocking(**kwargs)
    C.gemm_set_blocking()


@pytest.mark.parametrize("kwargs", [dict(kc=1.5), dict(mc=True), dict(nc="8")])
def test_gemm_block_overrides_that_are_not_ints_give_typeerror(kwargs):
    with pytest.raises(TypeError):
        C.gemm_set_blocking(**kwargs)
    C.gemm_set_blocking()


@pytest.mark.parametrize("call", [lambda: C.gemm_set_shape(2**40), lambda: C.gemm_set_shape(0, 7),
                                  lambda: C.gemm_set_dot(2**64), lambda: C.gemm_set_dot(-2)])
def test_gemm_test_hooks_out_of_range_give_valueerror(call):
    with pytest.raises(ValueError):
        call()
    C.gemm_set_shape()
    C.gemm_set_dot()


@pytest.mark.parametrize("call", [lambda: C.gemm_set_shape(1.0), lambda: C.gemm_set_dot("1"),
                                  lambda: C.gemm_set_shape(0, None)])
def test_gemm_test_hooks_that_are_not_ints_give_typeerror(call):
    with pytest.raises(TypeError):
        call()
    C.gemm_set_shape()
    C.gemm_set_dot()
