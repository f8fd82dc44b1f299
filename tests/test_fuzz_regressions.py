"""The failures the fuzz tests (and probing with huge numbers) found, each as a plain test (they
failed before the fixes with the exception type named in the test's comment)."""
import numpy as np
import pytest

import engine
from engine import Tensor, nn, optim
from engine.optim import lr_scheduler
from engine.nn import functional as F
from fuzz_helpers import Arr, check


def test_gelu_of_a_0d_float64_tensor():
    # AttributeError: 'float' object has no attribute 'astype'
    x = Tensor(np.array(0.5), requires_grad=True)
    y = F.gelu(x)
    assert y.shape == () and np.isclose(y.numpy(), 0.5 * 0.6914624612740131)
    y.backward()
    assert np.isfinite(x.grad.numpy())


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_softmax_axis_true_is_not_axis_1(fn):
    # silently took True as axis 1
    with pytest.raises(TypeError, match="axis"):
        fn(Tensor(np.ones((2, 3))), axis=True)
    with pytest.raises(TypeError, match="axis"):
        nn.Softmax(dim=1.0)


@pytest.mark.parametrize("size", [True, 2.5, (2, 2.0), (0, 2)])
def test_adaptive_avg_pool_output_size_is_checked(size):
    # True and 2.5 were taken as 1 and 2
    with pytest.raises(ValueError, match="output_size"):
        F.adaptive_avg_pool2d(Tensor(np.ones((1, 1, 4, 4))), size)


def test_conv_transpose_output_padding_not_below_stride_is_a_value_error():
    # AssertionError from the geometry (output_padding=1 with stride 1 and dilation 2)
    x, w = Tensor(np.ones((1, 1, 2, 2), np.float32)), Tensor(np.ones((1, 1, 1, 1), np.float32))
    with pytest.raises(ValueError, match="output_padding"):
        F.conv_transpose2d(x, w, output_padding=1, dilation=2)


@pytest.mark.parametrize("kwargs", [dict(scale_factor=1e12), dict(size=10 ** 12),
                                    dict(size=(10 ** 6, 10 ** 6))])
def test_interpolate_to_an_absurd_size_is_a_value_error(kwargs):
    # MemoryError (or OverflowError for an infinite factor)
    with pytest.raises(ValueError, match="interpolate|scale_factor"):
        F.interpolate(Tensor(np.ones((1, 1, 2, 2), np.float32)), **kwargs)
    with pytest.raises(ValueError, match="scale_factor"):
        F.interpolate(Tensor(np.ones((1, 1, 2, 2), np.float32)), scale_factor=float("inf"))


@pytest.mark.parametrize("shape", [(0, 0, 0, 0), (1, 2, 0, 3), (2, 1, 0)])
def test_interpolate_of_an_empty_spatial_axis_is_a_value_error(shape):
    # IndexError from the resize matrix
    with pytest.raises(ValueError, match="spatial"):
        F.interpolate(Tensor(np.ones(shape, np.float32)), size=4)


@pytest.mark.parametrize("backend", ["reference", "native"])
def test_max_pool_backward_of_an_empty_batch(backend):
    # ValueError from a reshape in the reference backend only (the native one worked)
    if backend == "native" and not engine.backend.native_available():
        pytest.skip("engine._C not built")
    with engine.using_backend(backend):
        x = Tensor(np.ones((0, 2, 4), np.float32), requires_grad=True)
        F.max_pool1d(x, 2).sum().backward()
        assert x.grad.shape == (0, 2, 4)


def test_linear_of_a_0d_input_is_a_value_error():
    # IndexError: tuple index out of range
    with pytest.raises(ValueError, match="Linear"):
        nn.Linear(3, 2)(Tensor(np.array(1.0)))


@pytest.mark.parametrize("kwargs, name", [(dict(momentum=-0.1), "momentum"),
                                          (dict(momentum=float("nan")), "momentum"),
                                          (dict(eps=0.0), "eps"), (dict(eps="1e-5"), "eps"),
                                          (dict(training=1), "training")])
def test_functional_batch_norm_checks_its_settings(kwargs, name):
    # accepted silently: a negative momentum corrupted the running statistics
    mean, var = np.zeros(2), np.ones(2)
    with pytest.raises((ValueError, TypeError), match=name):
        F.batch_norm(Tensor(np.ones((3, 2))), mean, var, **{"training": True, **kwargs})
    np.testing.assert_array_equal(mean, 0)


def test_a_valid_call_still_matches_between_backends():
    x = np.random.default_rng(0).standard_normal((2, 3, 5)).astype(np.float32)
    assert check(F.max_pool1d, [Arr(x), 2]) == "accepted"


HUGE = 10 ** 400                    # an int no float holds


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=HUGE), lambda p: optim.Adam(p, eps=HUGE),
    lambda p: optim.RMSprop(p, momentum=HUGE), lambda p: nn.Dropout(HUGE),
    lambda p: nn.init.kaiming_uniform_(nn.Parameter(np.ones((2, 2))), a=HUGE),
    lambda p: nn.utils.clip_grad_norm_(p, HUGE), lambda p: nn.utils.clip_grad_value_(p, HUGE),
    lambda p: lr_scheduler.ExponentialLR(optim.SGD(p, lr=0.1), gamma=HUGE),
    lambda p: lr_scheduler.OneCycleLR(optim.SGD(p, lr=0.1, momentum=0.9), 1.0, total_steps=HUGE),
])
def test_an_int_too_large_for_a_float_is_a_value_error(make):
    # OverflowError: int too large to convert to float
    with pytest.raises(ValueError):
        make([nn.Parameter(np.ones(2))])


def test_a_schedule_whose_rate_overflows_is_refused_by_name():
    # OverflowError: (34, 'Numerical result out of range') from gamma ** t
    sched = lr_scheduler.ExponentialLR(optim.SGD([nn.Parameter(np.ones(2))], lr=0.1),
                                       gamma=1e300)
    with pytest.raises(ValueError, match="ExponentialLR"):
        for _ in range(3):
            sched.step()


def test_cosine_schedule_with_a_huge_period_stays_at_the_start_rate():
    # OverflowError: int too large to convert to float
    opt = optim.SGD([nn.Parameter(np.ones(2))], lr=0.1)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=HUGE)
    sched.step()
    assert sched.get_last_lr() == [pytest.approx(0.1)]


@pytest.mark.parametrize("call", [
    lambda x: F.max_pool2d(x, 2, stride=10 ** 30),
    lambda x: F.conv2d(x, Tensor(np.ones((1, 2, 1, 1), np.float32)), stride=10 ** 30),
    lambda x: nn.Conv2d(2, 1, 1, stride=10 ** 30)(x),
    lambda x: nn.MaxPool2d(2, stride=2 ** 31)(x),
])
def test_a_stride_beyond_a_c_long_is_a_value_error(call):
    # OverflowError: Python int too large to convert to C long
    with pytest.raises(ValueError, match="stride"):
        call(Tensor(np.ones((1, 2, 4, 4), np.float32)))


@pytest.mark.parametrize("dims", [(4,), (10 ** 30,), (-5,), (2, 1), (1.5,)])
def test_flatten_refuses_axes_out_of_range_or_out_of_order(dims):
    # silently wrapped around, or gave shape (1, 1, 2, 4, 4) for flatten(2, 1)
    x = Tensor(np.ones((1, 2, 4, 4)))
    with pytest.raises((ValueError, TypeError)):
        x.flatten(*dims)
    assert x.flatten(1).shape == (1, 32) and x.flatten(-2, -1).shape == (1, 2, 16)
