"""The activation Functions: backward against central differences (float64), both backends."""
import numpy as np
import pytest

import engine
import engine.nn.functional as F
from engine import Tensor, gradcheck

BACKENDS = ["reference"] + (["native"] if engine.backend.native_available() else [])


@pytest.fixture(params=BACKENDS)
def backend(request):
    with engine.using_backend(request.param):
        yield request.param


def _input(shape, seed=0):
    # Keep values away from the kinks at 0, where central differences are not a derivative.
    x = np.random.default_rng(seed).uniform(0.1, 2.0, shape)
    x *= np.random.default_rng(seed + 1).choice([-1.0, 1.0], shape)
    return Tensor(x, requires_grad=True, dtype=engine.float64)


SMOOTH_OR_PIECEWISE = {
    "relu": F.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2),
    "elu": lambda x: F.elu(x, 0.7),
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "softplus": F.softplus,
    "softmax_last": lambda x: F.softmax(x, -1),
    "softmax_first": lambda x: F.softmax(x, axis=0),
    "softmax_dim": lambda x: F.softmax(x, dim=1),
    "log_softmax_last": lambda x: F.log_softmax(x, -1),
    "log_softmax_middle": lambda x: F.log_softmax(x, 1),
}


@pytest.mark.parametrize("name", SMOOTH_OR_PIECEWISE)
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 5)])
def test_gradcheck(name, shape, backend):
    if name in ("softmax_dim", "log_softmax_middle") and len(shape) < 2:
        pytest.skip("needs two axes")
    assert gradcheck(SMOOTH_OR_PIECEWISE[name], [_input(shape)])


@pytest.mark.parametrize("channels", [1, 3])
def test_prelu_gradcheck_input_and_slopes(channels, backend):
    x = _input((4, 3, 5))
    weight = Tensor(np.linspace(0.1, 0.4, channels), requires_grad=True, dtype=engine.float64)
    assert gradcheck(F.prelu, [x, weight])


def test_heaviside_has_zero_gradient(backend):
    x = _input((6,))
    F.heaviside(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(6))
    np.testing.assert_array_equal(F.heaviside(Tensor([-1.0, 0.0, 2.0])).numpy(), [0, 1, 1])


def test_functions_keep_float32(backend):
    x = Tensor(np.linspace(-2, 2, 10), requires_grad=True, dtype=engine.float32)
    assert x.dtype == engine.float32
    for name, f in SMOOTH_OR_PIECEWISE.items():
        if name in ("softmax_dim", "log_softmax_middle"):  # need two axes
            continue
        y = f(x)
        y.sum().backward()
        assert y.dtype == engine.float32 and x.grad.dtype == engine.float32
        x.grad = None


def test_backends_agree_through_autograd():
    if "native" not in BACKENDS:
        pytest.skip("compiled extension not built")
    results = []
    for name in ("reference", "native"):
        with engine.using_backend(name):
            x = _input((8, 5), seed=4)
            y = F.log_softmax(F.tanh(F.elu(x)) * 3, -1)
            (y * Tensor(np.arange(40.0).reshape(8, 5))).sum().backward()
            results.append((y.numpy(), x.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-11)


def test_integer_data_is_refused_by_kernels(backend):
    kernels = engine.backend.active()
    with pytest.raises(TypeError, match="float32 or float64"):
        kernels.tanh(np.arange(3))
