"""The failures the fuzz tests found, each as a plain test (they failed before the fixes with
the exception type named in the test's comment)."""
import numpy as np
import pytest

import engine
from engine import Tensor, nn
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
