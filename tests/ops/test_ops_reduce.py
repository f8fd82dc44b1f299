"""Reductions: sum, mean, amax, amin (NumPy's max/min over axes) -- values, gradients, axes,
keepdims, ties. max(dim)/min(dim) with indices: tests/test_tensor_pytorch_shaped.py."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import engine
from engine import Tensor, gradcheck, ops


def rand(shape, seed=0):
    # Distinct values (a permutation, spread out) so max/min have no ties
    # and no near-ties that central differences could step across.
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    data = rng.permutation(n).reshape(shape) * 0.1 + rng.uniform(0, 0.01, shape)
    return Tensor(data, requires_grad=True, dtype=engine.float64)


REDUCTIONS = {"sum": (ops.sum, np.sum), "mean": (ops.mean, np.mean),
              "max": (ops.reduce.amax, np.max), "min": (ops.reduce.amin, np.min)}
AXES = [None, 0, 1, 2, -1, -3, (0, 2), (2, 0), (-1, 0), (0, 1, 2), ()]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reduction_values_and_gradients(name, axis, keepdims):
    op, np_op = REDUCTIONS[name]
    x = rand((2, 3, 4))
    y = op(x, axis, keepdims)
    expected = np_op(x.data, axis=axis, keepdims=keepdims)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.data, expected)
    assert gradcheck(lambda x: op(x, axis, keepdims), [x])


@st.composite
def shape_and_axis(draw):
    shape = draw(array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4))
    ndim = len(shape)
    kind = draw(st.sampled_from(["none", "int", "tuple"])) if ndim else "none"
    if kind == "none":
        axis = None
    elif kind == "int":
        axis = draw(st.integers(-ndim, ndim - 1))
    else:
        chosen = draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
        axis = tuple(a - ndim if draw(st.booleans()) else a for a in chosen)  # some negative
    return shape, axis, draw(st.booleans())


@pytest.mark.parametrize("name", REDUCTIONS)
@given(case=shape_and_axis())
def test_reductions_for_random_shapes_and_axes(name, case):
    shape, axis, keepdims = case
    op, np_op = REDUCTIONS[name]
    x = rand(shape, seed=1)
    y = op(x, axis, keepdims)
    np.testing.assert_allclose(y.data, np_op(x.data, axis=axis, keepdims=keepdims))
    assert gradcheck(lambda x: op(x, axis, keepdims), [x])


def test_sum_and_mean_gradients_are_exact():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    x.sum(axis=1).backward(Tensor([1.0, 2.0]))
    np.testing.assert_array_equal(x.grad.data, [[1, 1, 1], [2, 2, 2]])
    x.grad = None
    x.mean().backward()
    np.testing.assert_allclose(x.grad.data, np.full((2, 3), 1 / 6))
    x.grad = None
    x.mean(axis=0, keepdims=True).sum().backward()
    np.testing.assert_allclose(x.grad.data, np.full((2, 3), 1 / 2))


def test_max_splits_gradient_evenly_among_ties():
    x = Tensor([[1.0, 5.0, 5.0], [2.0, 2.0, 2.0], [7.0, 0.0, 3.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3], [1, 0, 0]])
    x.grad = None
    x.max().backward()  # one maximum overall
    assert x.grad.data[2, 0] == 1.0 and x.grad.data.sum() == 1.0


def test_global_max_with_ties_and_min_with_ties():
    x = Tensor([3.0, 1.0, 3.0, 1.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.data, [0.5, 0, 0.5, 0])
    x.grad = None
    x.min().backward()
    np.testing.assert_allclose(x.grad.data, [0, 0.5, 0, 0.5])


def test_max_gradient_routes_upstream_values():
    x = Tensor([[1.0, 4.0], [3.0, 2.0]], requires_grad=True)
    x.max(axis=0).backward(Tensor([10.0, 20.0]))
    np.testing.assert_array_equal(x.grad.data, [[0, 20], [10, 0]])


def test_dim_is_an_alias_for_axis():
    x = rand((2, 3))
    np.testing.assert_allclose(ops.sum(x, dim=1).data, x.data.sum(axis=1))
    np.testing.assert_allclose(x.mean(dim=-1, keepdims=True).data, x.data.mean(axis=-1, keepdims=True))
    np.testing.assert_allclose(ops.max(x, axis=0).data, x.data.max(axis=0))
    np.testing.assert_allclose(ops.max(x, dim=0).values.data, x.data.max(axis=0))
    with pytest.raises(TypeError):
        ops.sum(x, axis=0, dim=0)


def test_reduce_of_0d_tensor():
    x = Tensor(3.0, requires_grad=True)
    for op in (ops.sum, ops.mean, ops.max):
        y = op(x)
        assert y.shape == () and y.item() == 3.0
        y.backward()
    assert x.grad.item() == 3.0


@pytest.mark.parametrize("op", [ops.sum, ops.mean, ops.reduce.amax])
def test_bad_axes(op):
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="out of bounds"):  # np AxisError is a ValueError
        op(x, 2)
    with pytest.raises(ValueError, match="repeated axis"):
        op(x, (1, -1))


def test_float32_stays_float32():
    x = Tensor(np.ones((2, 3)), requires_grad=True, dtype=engine.float32)
    for op in (ops.sum, ops.mean, ops.reduce.amax, ops.reduce.amin):
        y = op(x, 1)
        assert y.dtype == np.float32
        y.sum().backward()
        assert x.grad.dtype == np.float32
