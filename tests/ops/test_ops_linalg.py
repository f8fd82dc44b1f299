"""matmul: every np.matmul case, forward and backward."""
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import engine
from engine import Tensor, gradcheck, ops


def rand(shape, seed=0):
    data = np.random.default_rng(seed).normal(size=shape)
    return Tensor(data, requires_grad=True, dtype=engine.float64)


CASES = [
    ((3,), (3,)),                # 1-D · 1-D: dot product, 0-d result
    ((3,), (3, 4)),              # 1-D · 2-D: row vector times matrix
    ((2, 3), (3,)),              # 2-D · 1-D: matrix times column vector
    ((2, 3), (3, 4)),            # 2-D · 2-D
    ((5, 2, 3), (5, 3, 4)),      # batched
    ((5, 2, 3), (3, 4)),         # batch on the left only
    ((2, 3), (5, 3, 4)),         # batch on the right only
    ((2, 1, 2, 3), (5, 3, 4)),   # batch axes broadcast against each other
    ((1, 2, 3), (4, 3, 2)),      # size-1 batch axis broadcast
    ((3,), (5, 3, 4)),           # 1-D with a batch
    ((5, 2, 3), (3,)),           # batch with 1-D
    ((1, 1), (1, 1)),
]


@pytest.mark.parametrize("shapes", CASES, ids=str)
def test_matmul_values_and_gradients(shapes):
    a, b = rand(shapes[0], 1), rand(shapes[1], 2)
    y = a @ b
    expected = a.data @ b.data
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.data, expected)
    assert gradcheck(ops.matmul, [a, b])


@pytest.mark.parametrize("shapes", CASES, ids=str)
def test_matmul_gradient_for_one_side_only(shapes):
    a, b = rand(shapes[0], 1), rand(shapes[1], 2)
    b.requires_grad_(False)
    assert gradcheck(ops.matmul, [a, b])
    y = a @ b
    assert y.grad_fn.needs_input_grad == (True, False)


def test_matmul_gradient_formula_2d():
    a, b = rand((2, 3), 1), rand((3, 4), 2)
    g = np.random.default_rng(3).normal(size=(2, 4))
    (a @ b).backward(g)
    np.testing.assert_allclose(a.grad.data, g @ b.data.T)
    np.testing.assert_allclose(b.grad.data, a.data.T @ g)


@given(batch_a=st.lists(st.integers(1, 3), max_size=2), batch_b=st.lists(st.integers(1, 3), max_size=2),
       n=st.integers(1, 3), k=st.integers(1, 3), m=st.integers(1, 3),
       a_vec=st.booleans(), b_vec=st.booleans())
def test_matmul_random_shapes(batch_a, batch_b, n, k, m, a_vec, b_vec):
    # Make batch axes broadcastable: where lengths overlap, use 1 on one side at random.
    a_shape = (k,) if a_vec else tuple(batch_a) + (n, k)
    b_shape = (k,) if b_vec else tuple(batch_b) + (k, m)
    try:
        np.broadcast_shapes(a_shape[:-2], b_shape[:-2])
    except ValueError:
        return  # batch axes do not broadcast: covered by the error test
    a, b = rand(a_shape, 1), rand(b_shape, 2)
    np.testing.assert_allclose((a @ b).data, a.data @ b.data)
    assert gradcheck(ops.matmul, [a, b])


@pytest.mark.parametrize("shapes", [((2, 3), (4, 5)), ((3,), (4,)), ((2, 3), (2,)),
                                    ((2, 2, 3), (3, 3, 4))], ids=str)
def test_matmul_shape_mismatch_names_both_shapes(shapes):
    a, b = Tensor(np.ones(shapes[0])), Tensor(np.ones(shapes[1]))
    with pytest.raises(ValueError, match=re.escape(f"matmul: shapes {shapes[0]} and {shapes[1]}")):
        a @ b


def test_matmul_with_0d_is_an_error():
    with pytest.raises(ValueError, match=r"matmul: shapes \(\) and \(3,\)"):
        Tensor(2.0) @ Tensor([1.0, 2.0, 3.0])


def test_matmul_and_linear_refuse_mixed_float_dtypes_like_pytorch():
    a32 = Tensor(np.ones((2, 3)), dtype=engine.float32, requires_grad=True)
    b64 = Tensor(np.ones((3, 2)), dtype=engine.float64, requires_grad=True)
    assert (a32 @ a32.T).dtype == np.float32
    with pytest.raises(TypeError, match="matmul: expected operands of the same dtype, "
                                        "got a float32, b float64"):
        a32 @ b64
    with pytest.raises(TypeError, match="linear: .*input float32, weight float64"):
        engine.ops.linear(a32, b64.T)
    assert (a32 @ np.ones((3, 2))).dtype == np.float32     # a NumPy constant takes a32's dtype


def test_matmul_with_numpy_operands():
    a = rand((2, 3))
    m = np.ones((3, 2))
    assert gradcheck(lambda a: a @ m, [a])
    assert gradcheck(lambda a: m @ a, [a])


# ---- the short path of ops.matmul for two 2-D float tensors (no Function.__call__) ----

@pytest.mark.parametrize("dtype", [engine.float32, engine.float64])
@pytest.mark.parametrize("grads", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_2d_short_path_records_the_graph_like_the_general_path(dtype, grads):
    rng = np.random.default_rng(3)
    a_np, b_np = rng.normal(size=(7, 5)), rng.normal(size=(5, 6))
    a = Tensor(a_np, dtype=dtype, requires_grad=grads[0])
    b = Tensor(b_np, dtype=dtype, requires_grad=grads[1])
    y = a @ b
    assert y.dtype == dtype
    np.testing.assert_allclose(y.data, a.data @ b.data, rtol=1e-5 if dtype == engine.float32 else 1e-12)
    assert y.requires_grad == any(grads)
    assert (y.grad_fn is None) == (not any(grads))
    if any(grads):
        gy = rng.normal(size=(7, 6)).astype(y.data.dtype)
        y.backward(Tensor(gy, dtype=dtype))
        tol = dict(rtol=1e-4, atol=1e-5) if dtype == engine.float32 else dict(rtol=1e-12)
        if grads[0]:
            np.testing.assert_allclose(a.grad.data, gy @ b.data.T, **tol)
        if grads[1]:
            np.testing.assert_allclose(b.grad.data, a.data.T @ gy, **tol)
        assert (a.grad is None) == (not grads[0]) and (b.grad is None) == (not grads[1])


def test_matmul_2d_short_path_under_no_grad_records_nothing():
    a = rand((4, 3), 1)
    with engine.no_grad():
        y = a @ rand((3, 2), 2)
    assert y.grad_fn is None and not y.requires_grad


def test_matmul_2d_short_path_gradchecks():
    assert gradcheck(lambda a, b: a @ b, (rand((4, 3), 1), rand((3, 5), 2)))


def test_matmul_2d_short_path_keeps_the_general_errors():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 5\)"):
        rand((2, 3)) @ rand((4, 5))
    with pytest.raises(TypeError, match="same dtype"):
        Tensor(np.ones((2, 3)), dtype=engine.float32) @ rand((3, 2))


@pytest.mark.parametrize("shapes", [((2, 0), (0, 3)), ((0, 3), (3, 2)), ((2, 3), (3, 0)),
                                    ((4, 2, 0), (0, 3)), ((2, 0, 3), (3, 2))], ids=str)
def test_matmul_with_an_empty_axis_has_gradients_of_the_right_shapes(shapes):
    a, b = rand(shapes[0], 1), rand(shapes[1], 2)
    y = a @ b
    np.testing.assert_array_equal(y.data, a.data @ b.data)          # zeros where k = 0
    y.sum().backward()
    assert a.grad.shape == a.shape and b.grad.shape == b.shape
    assert not a.grad.data.any() and not b.grad.data.any()          # sums over nothing
