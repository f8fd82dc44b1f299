"""Elementwise arithmetic: values, gradients (vs central differences), broadcasting, dtypes."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import engine
from engine import Tensor, gradcheck, ops
from engine.ops import unbroadcast


def rand(shape, seed=0, low=-2.0, high=2.0, requires_grad=True):
    data = np.random.default_rng(seed).uniform(low, high, shape)
    return Tensor(data, requires_grad=requires_grad, dtype=engine.float64)


def positive(shape, seed=0, requires_grad=True):
    return rand(shape, seed, 0.5, 2.0, requires_grad)


def away_from_zero(shape, seed=0):
    # |x| in [0.5, 2] with random signs: no kinks or poles near the points checked.
    x = rand(shape, seed, 0.5, 2.0)
    x.data *= np.random.default_rng(seed + 7).choice([-1.0, 1.0], shape)
    return x


BINARY = {
    "add": (ops.add, np.add, rand),
    "sub": (ops.sub, np.subtract, rand),
    "mul": (ops.mul, np.multiply, rand),
    "div": (ops.div, np.divide, away_from_zero),
    "pow": (ops.pow, np.power, positive),
    "maximum": (ops.maximum, np.maximum, rand),
    "minimum": (ops.minimum, np.minimum, rand),
}
BROADCAST_PAIRS = [((3,), (3,)), ((3, 1), (1, 4)), ((2, 3, 4), (4,)), ((4,), (2, 3, 4)),
                   ((2, 1, 4), (3, 1)), ((), (2, 3)), ((2, 3), ()), ((), ()), ((1,), (5,))]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
def test_binary_gradients_with_broadcasting(name, shapes):
    op, np_op, make = BINARY[name]
    a, b = make(shapes[0], seed=1), make(shapes[1], seed=2)
    y = op(a, b)
    np.testing.assert_allclose(y.data, np_op(a.data, b.data))
    assert y.shape == np.broadcast_shapes(*shapes)
    assert gradcheck(op, [a, b])


@pytest.mark.parametrize("name", BINARY)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3))
def test_binary_gradients_for_random_broadcastable_shapes(name, shapes):
    op, _, make = BINARY[name]
    a, b = make(shapes.input_shapes[0], seed=3), make(shapes.input_shapes[1], seed=4)
    y = op(a, b)
    assert y.shape == shapes.result_shape
    assert gradcheck(op, [a, b])


@pytest.mark.parametrize("name", BINARY)
def test_binary_with_scalar_operands(name):
    op, np_op, make = BINARY[name]
    x = make((2, 3), seed=5)
    assert gradcheck(lambda x: op(x, 1.5), [x])
    assert gradcheck(lambda x: op(1.5, x), [x])
    np.testing.assert_allclose(op(x, 1.5).data, np_op(x.data, 1.5))
    np.testing.assert_allclose(op(1.5, x).data, np_op(1.5, x.data))


@pytest.mark.parametrize("name", BINARY)
def test_binary_with_only_one_input_requiring_grad(name):
    op, _, make = BINARY[name]
    a, b = make((2, 3), seed=1), make((3,), seed=2)
    b.requires_grad_(False)
    assert gradcheck(op, [a, b])
    a.requires_grad_(False)
    b.requires_grad_(True)
    assert gradcheck(op, [a, b])


@pytest.mark.parametrize("name", BINARY)
def test_binary_shape_mismatch_names_both_shapes(name):
    op, _, _ = BINARY[name]
    with pytest.raises(ValueError, match=rf"{name}: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        op(Tensor(np.ones((2, 3))), Tensor(np.ones(4)))


def test_operators_route_to_the_ops():
    a, b = rand((2, 3), 1), away_from_zero((3,), 2)
    assert gradcheck(lambda a, b: a + b - a * b / b ** 2 + (-a), [a, b])
    assert gradcheck(lambda a: 2.0 - a + 3.0 / (a * a + 1.0) + 2.0 ** a, [a])


UNARY = {
    "neg": (ops.neg, np.negative, rand),
    "exp": (ops.exp, np.exp, rand),
    "log": (ops.log, np.log, positive),
    "sqrt": (ops.sqrt, np.sqrt, positive),
    "abs": (ops.abs, np.abs, away_from_zero),
}


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 1, 3)], ids=str)
def test_unary_gradients(name, shape):
    op, np_op, make = UNARY[name]
    x = make(shape, seed=6)
    np.testing.assert_allclose(op(x).data, np_op(x.data))
    assert gradcheck(op, [x])


def test_abs_gradient_at_zero_is_zero():
    x = Tensor([0.0, -1.0, 2.0], requires_grad=True)
    x.abs().sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, -1.0, 1.0])


def test_pow_gradient_wrt_exponent():
    a, b = positive((2, 3), 1), rand((3,), 2)
    assert gradcheck(lambda b: a ** b, [b])
    assert gradcheck(lambda a, b: a ** b, [a, b])


def test_pow_with_negative_base_and_integer_exponent():
    x = Tensor([-2.0, -0.5, 1.5], requires_grad=True, dtype=engine.float64)
    assert gradcheck(lambda x: x ** 3, [x])
    (x ** 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, [-4.0, -1.0, 3.0])


def test_pow_exponent_gradient_is_zero_where_base_not_positive():
    a = Tensor([-2.0, 0.0, 2.0], dtype=engine.float64)
    b = Tensor(2.0, requires_grad=True, dtype=engine.float64)
    (a ** b).sum().backward()
    assert b.grad.item() == pytest.approx(4.0 * np.log(2.0))


def test_clip_gradients():
    x = Tensor([-3.0, -1.0, 0.0, 0.5, 1.0, 4.0], requires_grad=True, dtype=engine.float64)
    y = x.clip(-1.0, 1.0)
    np.testing.assert_array_equal(y.data, [-1, -1, 0, 0.5, 1, 1])
    y.sum().backward()
    # Inside [lo, hi] (bounds included, as in PyTorch) the gradient passes; outside it is 0.
    np.testing.assert_array_equal(x.grad.data, [0, 1, 1, 1, 1, 0])
    away = Tensor([-3.0, -0.5, 0.2, 0.7, 4.0], requires_grad=True, dtype=engine.float64)
    assert gradcheck(lambda x: x.clip(-1.0, 1.0), [away])
    assert gradcheck(lambda x: x.clip(0.0), [away])
    assert gradcheck(lambda x: ops.clip(x, None, 0.5), [away])


def test_clip_without_bounds_copies():
    x = Tensor([1.0, 2.0])
    y = x.clip()
    np.testing.assert_array_equal(y.data, x.data)
    assert y.data is not x.data


def test_maximum_and_minimum_split_ties():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([2.0, 2.0, 1.0], requires_grad=True)
    ops.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(b.grad.data, [1.0, 0.5, 0.0])
    a.grad = b.grad = None
    ops.minimum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [1.0, 0.5, 0.0])
    np.testing.assert_array_equal(b.grad.data, [0.0, 0.5, 1.0])


def test_maximum_with_scalar_is_relu_like():
    x = Tensor([-1.0, 0.5, 2.0], requires_grad=True)
    ops.maximum(x, 0.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 1.0, 1.0])


def test_cast_gradient():
    x = rand((2, 3), 1)
    # The Function itself (float64 -> float64) against central differences ...
    assert gradcheck(lambda x: ops.Cast(engine.float64)(x) * x, [x])
    # ... and a real cast: the gradient comes back in the input's dtype.
    y = ops.cast(x, engine.float32)
    assert y.dtype == np.float32 and y.grad_fn is not None
    (y * 2).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_array_equal(x.grad.data, np.full((2, 3), 2.0))


# ------------------------------------------------------------------- dtypes
@pytest.mark.parametrize("op", [ops.add, ops.sub, ops.mul, ops.div, ops.pow, ops.maximum])
def test_float32_with_python_scalar_stays_float32_in_forward_and_backward(op):
    x = Tensor([1.0, 2.0], requires_grad=True)
    for y in [op(x, 2.0), op(2.0, x), op(x, 3), op(x, True)]:
        assert y.dtype == np.float32
    y = op(x, 2.0)
    y.sum().backward()
    assert x.grad.dtype == np.float32


@pytest.mark.parametrize("op", [ops.exp, ops.log, ops.sqrt, ops.abs, ops.neg])
def test_unary_keeps_dtype(op):
    for dt in (engine.float32, engine.float64):
        x = Tensor([1.0, 2.0], dtype=dt, requires_grad=True)
        y = op(x)
        assert y.dtype == dt
        y.sum().backward()
        assert x.grad.dtype == dt


def test_float32_plus_float64_is_float64_and_grads_keep_input_dtypes():
    a = Tensor(np.ones((2, 3)), dtype=engine.float32, requires_grad=True)
    b = Tensor(np.ones(3), dtype=engine.float64, requires_grad=True)
    y = a * b + a
    assert y.dtype == np.float64
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_allclose(b.grad.data, [2.0, 2.0, 2.0])


# -------------------------------------------------------------- unbroadcast
@pytest.mark.parametrize("grad_shape, shape, summed", [
    ((2, 3), (2, 3), ()), ((2, 3), (3,), (0,)), ((2, 3), (1, 3), (0,)),
    ((2, 3), (2, 1), (1,)), ((2, 3, 4), (3, 1), (0, 2)), ((2, 3), (), (0, 1)),
    ((4, 1, 5), (1, 1, 5), (0,)), ((2, 3, 4), (1,), (0, 1, 2)),
])
def test_unbroadcast(grad_shape, shape, summed):
    g = np.random.default_rng(0).normal(size=grad_shape)
    out = unbroadcast(g, shape)
    assert out.shape == shape
    np.testing.assert_allclose(out, g.sum(axis=summed).reshape(shape) if summed else g)


@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=4))
def test_unbroadcast_is_the_adjoint_of_broadcasting(shapes):
    # <broadcast(x), g> == <x, unbroadcast(g)> for all x, g: that is what makes it the gradient.
    shape, result = shapes.input_shapes[0], shapes.result_shape
    rng = np.random.default_rng(0)
    x, g = rng.normal(size=shape), rng.normal(size=result)
    lhs = (np.broadcast_to(x, result) * g).sum()
    rhs = (x * unbroadcast(g, shape)).sum()
    assert np.isclose(lhs, rhs)


@given(st.integers(0, 3), st.integers(0, 3))
def test_add_then_sum_grad_counts_broadcast_copies(rows, cols):
    # x (rows, 1) + y (1, cols): each x element is used cols times, each y element rows times.
    x = Tensor(np.zeros((rows, 1)), requires_grad=True)
    y = Tensor(np.zeros((1, cols)), requires_grad=True)
    (x + y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.full((rows, 1), cols))
    np.testing.assert_array_equal(y.grad.data, np.full((1, cols), rows))
