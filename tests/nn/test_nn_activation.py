"""Activation modules, the Module registry and PReLU's learnable slopes."""
import numpy as np
import pytest

import engine
from engine import Tensor, nn


def test_modules_match_functional():
    x = Tensor(np.linspace(-3, 3, 12).reshape(3, 4))
    F = nn.functional
    pairs = [(nn.ReLU(), F.relu), (nn.Sigmoid(), F.sigmoid), (nn.Tanh(), F.tanh),
             (nn.Softplus(), F.softplus), (nn.ELU(0.5), lambda t: F.elu(t, 0.5)),
             (nn.LeakyReLU(0.2), lambda t: F.leaky_relu(t, 0.2)), (nn.Heaviside(), F.heaviside),
             (nn.Softmax(dim=1), lambda t: F.softmax(t, 1)),
             (nn.LogSoftmax(axis=0), lambda t: F.log_softmax(t, 0))]
    for module, function in pairs:
        np.testing.assert_array_equal(module(x).numpy(), function(x).numpy())
    assert nn.Identity()(x) is x


def test_prelu_module_learns_its_slope():
    layer = nn.PReLU(num_parameters=2)
    assert [name for name, _ in layer.named_parameters()] == ["weight"]
    np.testing.assert_array_equal(layer.weight.numpy(), [0.25, 0.25])
    x = Tensor(np.array([[-1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]]).reshape(1, 2, 3))
    layer(x).sum().backward()
    # ∂/∂a_c Σ y = Σ of the negative inputs of channel c
    np.testing.assert_allclose(layer.weight.grad.numpy(), [-3.0, -10.0])


def test_prelu_rejects_bad_sizes():
    with pytest.raises(ValueError, match="positive int"):
        nn.PReLU(0)
    with pytest.raises(ValueError, match="3 slopes"):
        nn.PReLU(3)(Tensor(np.ones((2, 4))))
    with pytest.raises(TypeError):
        nn.PReLU(dtype="int32")


def test_sequential_registers_layers_and_parameters():
    model = nn.Sequential(nn.PReLU(), nn.Tanh(), nn.PReLU(3))
    assert [name for name, _ in model.named_parameters()] == ["0.weight", "2.weight"]
    assert len(model) == 3 and isinstance(model[1], nn.Tanh)
    model.eval()
    assert not any(m.training for m in model.modules())
    with pytest.raises(TypeError, match="Modules"):
        nn.Sequential(nn.ReLU(), "relu")


def test_prelu_promotes_mixed_dtypes_like_binary_ops():
    layer = nn.PReLU(2)                                   # float32 slopes
    x = Tensor(-np.ones((1, 2, 3)), dtype=engine.float64)  # float64 input
    y = layer(x)
    y.sum().backward()
    assert y.dtype == engine.float64 and layer.weight.grad.dtype == engine.float32
    np.testing.assert_allclose(layer.weight.grad.numpy(), [-3, -3])
