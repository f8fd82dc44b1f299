"""Shape operations: reshape, transpose, indexing, concatenate, stack."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes

import engine
from engine import Tensor, gradcheck, ops


def rand(shape, seed=0):
    data = np.random.default_rng(seed).normal(size=shape)
    return Tensor(data, requires_grad=True, dtype=engine.float64)


# ------------------------------------------------------------------ reshape
@pytest.mark.parametrize("shape, new", [((2, 3), (6,)), ((2, 3), (3, 2)), ((2, 3, 4), (4, -1)),
                                        ((6,), (1, 6, 1)), ((1,), ()), ((), (1, 1))], ids=str)
def test_reshape(shape, new):
    x = rand(shape)
    y = ops.reshape(x, new)
    np.testing.assert_array_equal(y.data, x.data.reshape(new))
    assert gradcheck(lambda x: ops.reshape(x, new) * np.arange(y.numel()).reshape(y.shape), [x])


def test_reshape_method_forms():
    x = rand((2, 3))
    assert x.reshape(3, 2).shape == (3, 2)
    assert x.reshape((3, 2)).shape == (3, 2)
    assert x.reshape([6]).shape == (6,)
    assert ops.reshape(x, 6).shape == (6,)


def test_reshape_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*into shape \(4,\)"):
        rand((2, 3)).reshape(4)


# ---------------------------------------------------------------- transpose
@pytest.mark.parametrize("axes", [None, (1, 0, 2), (2, 0, 1), (0, 1, 2), (-1, 0, -2)], ids=str)
def test_transpose(axes):
    x = rand((2, 3, 4))
    y = ops.transpose(x, axes)
    np.testing.assert_array_equal(y.data, x.data.transpose(axes))
    weights = np.arange(24.0).reshape(y.shape)  # makes every gradient element different
    assert gradcheck(lambda x: ops.transpose(x, axes) * weights, [x])


@given(st.permutations(range(4)))
def test_transpose_gradient_is_inverse_permutation(perm):
    x = rand((1, 2, 3, 4))
    y = x.transpose(*perm)
    g = np.random.default_rng(0).normal(size=y.shape)
    y.backward(g)
    # Gradient at x[i] must be g at the position where x[i] went.
    np.testing.assert_array_equal(x.grad.data.transpose(perm), g)


def test_T_and_1d_transpose():
    x = rand((2, 3))
    assert gradcheck(lambda x: x.T * np.arange(6.0).reshape(3, 2), [x])
    v = rand((3,))
    np.testing.assert_array_equal(v.T.data, v.data)


# ------------------------------------------------------------------ getitem
BASIC_INDICES = [0, -1, (1, 2), slice(1, 3), slice(None, None, -1), slice(3, 0, -2),
                 (slice(None), 1), (Ellipsis, 0), (None, 0), (0, slice(None), None),
                 (slice(None, None, 2), slice(None, None, -1)), (-1, -1, -1)]


ADVANCED_INDICES = [
    [0, 2], [2, 0, 2, 2], np.array([1, 1, 1]), np.array([[0, 1], [1, 0]]),
    ([0, 0, 3], [1, 1, 2]), (slice(None), [2, 2, 0]), (Ellipsis, [4, 4]),
    np.array([True, False, True, True]), (slice(1, 3), np.array([True, False, True])),
    np.random.default_rng(0).normal(size=(4, 3, 5)) > 0,
]


@pytest.mark.parametrize("index", BASIC_INDICES + ADVANCED_INDICES, ids=lambda i: str(i)[:40])
def test_indexing_and_its_gradient(index):
    x = rand((4, 3, 5))
    y = x[index]
    np.testing.assert_array_equal(y.data, x.data[index])
    weights = np.arange(1.0, y.numel() + 1).reshape(y.shape)
    assert gradcheck(lambda x: x[index] * weights, [x])


def test_repeated_indices_accumulate_gradient():
    x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 0.0, 1.0])
    x.grad = None
    x[np.array([1, 1])].backward(Tensor([2.0, 5.0]))
    np.testing.assert_array_equal(x.grad.data, [0.0, 7.0, 0.0])


def test_boolean_mask_gradient():
    x = Tensor([-1.0, 2.0, -3.0, 4.0], requires_grad=True)
    mask = x.numpy() > 0
    (x[mask] * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 3.0, 0.0, 3.0])


def test_bool_and_integer_tensors_index_like_arrays_with_gradients():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x[x > 1]                                     # a bool tensor is a mask
    np.testing.assert_array_equal(y.data, [2.0, 3.0])
    z = x[Tensor([0, 0, 2])]                         # an int64 tensor lists positions
    np.testing.assert_array_equal(z.data, [1.0, 1.0, 3.0])
    (y.sum() + z.sum()).backward()
    np.testing.assert_array_equal(x.grad.data, [2.0, 1.0, 2.0])


def test_float_tensor_index_is_refused_with_advice():
    x = Tensor([1.0, 2.0])
    with pytest.raises(IndexError, match="integer or bool tensors, got float32"):
        x[Tensor([0.0])]
    with pytest.raises(IndexError):
        x[(Tensor([0.0]),)]


def test_getitem_out_of_range_is_index_error():
    with pytest.raises(IndexError):
        rand((3,))[5]


def test_iterating_over_rows_is_differentiable():
    x = rand((3, 2))
    assert gradcheck(lambda x: sum(row * (i + 1) for i, row in enumerate(x)), [x])


# -------------------------------------------------------- concatenate/stack
@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
def test_concatenate(axis):
    shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]]
    for s, n in zip(shapes, (1, 2, 3)):
        s[axis] = n  # different sizes along the joined axis
    xs = [rand(s, seed=i) for i, s in enumerate(shapes)]
    y = ops.concatenate(xs, axis=axis)
    np.testing.assert_array_equal(y.data, np.concatenate([x.data for x in xs], axis=axis))
    weights = np.arange(1.0, y.numel() + 1).reshape(y.shape)
    assert gradcheck(lambda *xs: ops.concatenate(xs, axis=axis) * weights, xs)


def test_concatenate_dim_alias_and_mixed_constants():
    a = rand((2, 2))
    y = ops.concatenate([a, np.zeros((2, 1))], dim=1)
    assert y.shape == (2, 3)
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.data, np.ones((2, 2)))


def test_concatenate_shape_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\), \(2, 4\)"):
        ops.concatenate([rand((2, 3)), rand((2, 4))], axis=0)
    with pytest.raises(ValueError, match="at least one"):
        ops.concatenate([])


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2])
def test_stack(axis):
    xs = [rand((2, 3), seed=i) for i in range(4)]
    y = ops.stack(xs, axis=axis)
    np.testing.assert_array_equal(y.data, np.stack([x.data for x in xs], axis=axis))
    weights = np.arange(1.0, y.numel() + 1).reshape(y.shape)
    assert gradcheck(lambda *xs: ops.stack(xs, axis=axis) * weights, xs)


def test_stack_shape_mismatch_names_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\), \(3, 2\)"):
        ops.stack([rand((2, 3)), rand((3, 2))])
    with pytest.raises(ValueError, match="at least one"):
        ops.stack([])


def test_stack_of_mixed_dtypes_promotes_and_grads_keep_dtypes():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True, dtype=engine.float64)
    y = ops.stack([a, b])
    assert y.dtype == np.float64
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


@given(shape=array_shapes(min_dims=1, max_dims=3, max_side=3), n=st.integers(1, 3),
       data=st.data())
def test_stack_then_index_roundtrip(shape, n, data):
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    xs = [rand(shape, seed=i) for i in range(n)]
    y = ops.stack(xs, axis=axis)
    assert gradcheck(lambda *xs: (ops.stack(xs, axis=axis) ** 2).sum(), xs)
    moved = np.moveaxis(y.data, axis, 0)
    for x, m in zip(xs, moved):
        np.testing.assert_array_equal(x.data, m)


# ------------------------------------------------------------ small helpers
def test_flatten_unsqueeze_squeeze_are_differentiable():
    x = rand((2, 1, 3))
    assert gradcheck(lambda x: x.flatten() * np.arange(6.0), [x])
    assert gradcheck(lambda x: x.squeeze() * np.arange(6.0).reshape(2, 3), [x])
    assert gradcheck(lambda x: x.unsqueeze(0) * np.arange(6.0).reshape(1, 2, 1, 3), [x])
    assert gradcheck(lambda x: x.swapaxes(0, 2) * np.arange(6.0).reshape(3, 1, 2), [x])
