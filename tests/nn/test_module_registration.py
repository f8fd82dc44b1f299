"""Module's registration API (register_parameter, add_module, get_submodule), tied weights
listed once, and assignments that would silently break a layer refused (as PyTorch)."""
import numpy as np
import pytest

import engine
from engine import nn


def test_register_parameter_and_add_module_as_attribute_assignment():
    m = nn.Module()
    m.register_parameter("w", nn.Parameter(engine.ones(2)))
    m.add_module("act", nn.ReLU())
    m.register_module("fc", nn.Linear(2, 1))
    assert [n for n, _ in m.named_parameters()] == ["w", "fc.weight", "fc.bias"]
    assert m.get_submodule("fc") is m.fc and m.get_submodule("") is m
    with pytest.raises(AttributeError, match="nope"):
        m.get_submodule("fc.nope")


@pytest.mark.parametrize("call, error", [
    (lambda m: m.register_parameter("p", engine.zeros(2)), TypeError),      # not a Parameter
    (lambda m: m.register_parameter(3, nn.Parameter(engine.zeros(2))), TypeError),
    (lambda m: m.register_parameter("a.b", nn.Parameter(engine.zeros(2))), KeyError),
    (lambda m: m.register_parameter("", None), KeyError),
    (lambda m: m.register_parameter("forward", None), KeyError),           # an existing attribute
    (lambda m: m.add_module("x", 3), TypeError),
    (lambda m: m.add_module("a.b", nn.ReLU()), KeyError),
    (lambda m: setattr(m, "weight", "a"), TypeError),
    (lambda m: setattr(m, "weight", engine.zeros(2, 2)), TypeError),         # a plain Tensor
    (lambda m: m.train("yes"), ValueError),
    (lambda m: m.train(1), ValueError),
])
def test_bad_registration_raises(call, error):
    m = nn.Linear(2, 2)
    with pytest.raises(error):
        call(m)
    assert isinstance(m.weight, nn.Parameter)        # the layer is unchanged


def test_none_child_is_skipped():
    m = nn.Module()
    m.add_module("gone", None)
    assert list(m.children()) == [] and m.apply(lambda _: None) is m


def test_tied_weights_are_listed_once_and_train_together():
    """Weight tying (one Parameter in two layers): parameters() lists it once, as PyTorch, so
    an optimizer steps it once."""
    a, b = nn.Linear(3, 3, bias=False), nn.Linear(3, 3, bias=False)
    b.weight = a.weight
    model = nn.Sequential(a, b)
    assert [n for n, _ in model.named_parameters()] == ["0.weight"]
    assert len(list(model.parameters())) == 1
    assert len(model.state_dict()) == 2              # state_dict keeps both names (as PyTorch)
    before = a.weight.data.copy()
    opt = engine.optim.SGD(model.parameters(), lr=0.1)
    model(engine.randn(4, 3)).sum().backward()
    grad = a.weight.grad.data.copy()
    opt.step()
    np.testing.assert_allclose(a.weight.data, before - 0.1 * grad, rtol=1e-6)
