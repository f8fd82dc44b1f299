"""Tensor: construction, dtype rules, properties, operators."""
import numpy as np
import pytest

import engine
from engine import Tensor, tensor
from engine import dtypes
from engine.tensor import get_array_module


# ------------------------------------------------------------- construction
# As torch.tensor: Python floats become float32, ints int64, bools bool.
@pytest.mark.parametrize("data, dtype", [(2.5, "float32"), ([[1.5, 2]], "float32"),
                                         (1, "int64"), ([1, 2, 3], "int64"),
                                         (True, "bool"), ([True, False], "bool")])
def test_python_data_takes_pytorchs_dtype(data, dtype):
    t = Tensor(data)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.data, np.asarray(data, dtype=dtype))


@pytest.mark.parametrize("arr, dtype", [(np.arange(4), "int64"), (np.arange(4, dtype=np.int8), "int8"),
                                        (np.array([True, False]), "bool"),
                                        (np.arange(3, dtype=np.uint8), "uint8"),
                                        (np.arange(3, dtype=np.uint16), "int64"),
                                        (np.ones(2, dtype=np.float16), "float32")])
def test_int_and_bool_arrays_keep_a_tensor_dtype(arr, dtype):
    t = Tensor(arr)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.data, arr.astype(dtype))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_float_arrays_keep_their_dtype(dt):
    assert Tensor(np.ones(3, dtype=dt)).dtype == dt
    assert Tensor(dt(1.5)).dtype == dt  # NumPy scalars too


def test_dtype_argument_overrides():
    assert Tensor([1, 2], dtype=engine.float64).dtype == np.float64
    assert Tensor(np.ones(2), dtype=engine.float32).dtype == np.float32
    assert Tensor(np.ones(2, np.float32), dtype="float64").dtype == np.float64
    assert tensor([1.0], dtype=np.float64).dtype == np.float64


def test_tensor_function_is_constructor():
    t = tensor([[1.0, 2.0]], requires_grad=True)
    assert isinstance(t, Tensor) and t.requires_grad and t.shape == (1, 2)


@pytest.mark.parametrize("data", [[1, 2], [True], np.arange(2, dtype=np.int32)])
def test_integer_and_bool_tensors_cannot_require_grad(data):
    with pytest.raises(RuntimeError, match="only float tensors"):   # as in PyTorch
        tensor(data, requires_grad=True)
    with pytest.raises(TypeError, match="can require gradients; this one is"):
        tensor(data).requires_grad_()


def test_from_tensor_takes_its_data_without_history():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = Tensor(y)
    assert z.grad_fn is None and not z.requires_grad
    np.testing.assert_array_equal(z.data, [2.0, 4.0])
    assert Tensor(x, dtype=engine.float64).dtype == np.float64


def test_same_dtype_array_is_not_copied():
    arr = np.ones(3)
    assert Tensor(arr).data is arr


@pytest.mark.parametrize("data, kind", [
    (1 + 2j, "complex"), (np.ones(2, dtype=np.complex64), "complex"),
    (np.array([object()]), "object"), (None, "object"),
    ("abc", "string"), (["a", "b"], "string"), ([1, "a"], "string"),
])
def test_non_real_data_raises_type_error(data, kind):
    with pytest.raises(TypeError, match="real numbers or bools") as info:
        Tensor(data)
    assert kind in str(info.value)


@pytest.mark.parametrize("dt, shown", [("complex64", "complex64"), (np.float16, "float16"),
                                       (np.uint32, "uint32"), ("U3", "U3")])
def test_dtype_argument_outside_the_tensor_dtypes_raises(dt, shown):
    with pytest.raises(TypeError, match="expected a tensor dtype") as info:
        Tensor([1, 2], dtype=dt)
    assert shown in str(info.value)


@pytest.mark.parametrize("dt, want", [(int, "int64"), (np.int32, "int32"), (bool, "bool"),
                                      (engine.long, "int64"), (engine.int, "int32"),
                                      (engine.bool, "bool"), (engine.double, "float64"),
                                      (engine.float, "float32"), (engine.uint8, "uint8")])
def test_dtype_argument_takes_integer_and_bool_dtypes(dt, want):
    assert Tensor([1, 0], dtype=dt).dtype == want


def test_as_float_dtype():
    assert dtypes.as_float_dtype(np.float32) is engine.float32
    assert dtypes.as_float_dtype("float64") is engine.float64
    assert dtypes.as_float_dtype(engine.float64) is engine.float64
    for bad in [None, int, "int64", np.int8, "nonsense", object()]:
        with pytest.raises(TypeError, match=r"expected dtype float32 or float64, got"):
            dtypes.as_float_dtype(bad)


def test_check_float_array():
    a = np.ones(2, np.float32)
    assert dtypes.check_float_array(a, "x") is a
    with pytest.raises(TypeError, match=r"weights must be a float32 or float64 array, got int64"):
        dtypes.check_float_array(np.ones(2, np.int64), "weights")
    with pytest.raises(TypeError, match="got list"):
        dtypes.check_float_array([1.0], "x")


def test_default_dtype_can_be_changed():
    assert dtypes.get_default_dtype() == engine.float32
    dtypes.set_default_dtype(engine.float64)
    try:
        assert Tensor([1.0, 2]).dtype == np.float64
        assert Tensor([1, 2]).dtype == np.int64          # integers stay integers
    finally:
        dtypes.set_default_dtype(engine.float32)
    assert Tensor([1.0, 2]).dtype == np.float32


# ---------------------------------------------------------------- properties
def test_properties():
    t = Tensor(np.arange(6.0).reshape(2, 3))
    assert t.shape == (2, 3) and t.ndim == 2 and t.numel() == 6 and len(t) == 2
    assert t.size() == (2, 3) and t.size(1) == 3 and t.size(-2) == 2 and t.dim() == 2
    assert t.dtype == np.float64 and t.device == "cpu"
    assert t.T.shape == (3, 2)
    np.testing.assert_array_equal(t.T.data, np.arange(6.0).reshape(2, 3).T)
    assert t.is_leaf and t.grad_fn is None and t.grad is None and not t.requires_grad


def test_len_of_0d_raises():
    with pytest.raises(TypeError):
        len(Tensor(1.0))


def test_numpy_returns_the_array_even_with_requires_grad():
    t = Tensor([1.0, 2.0], requires_grad=True)
    assert t.numpy() is t.data
    assert isinstance(t.numpy(), np.ndarray)


def test_numpy_interop_via_array_protocol():
    t = Tensor([1.0, 2.0], requires_grad=True)
    assert np.asarray(t) is t.data
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert np.array(t, copy=True) is not t.data
    np.testing.assert_array_equal(np.array([t, t]), [[1.0, 2.0], [1.0, 2.0]])


def test_item_and_float():
    assert Tensor([[3.5]]).item() == 3.5
    assert isinstance(Tensor(2.0).item(), float)
    assert isinstance(Tensor(2).item(), int) and Tensor(2).item() == 2     # as in PyTorch
    assert float(Tensor(1.25)) == 1.25
    with pytest.raises(ValueError):
        Tensor([1.0, 2.0]).item()


def test_bool_follows_numpy():
    assert bool(Tensor(1.0)) and not bool(Tensor([0.0]))
    with pytest.raises(ValueError):
        bool(Tensor([1.0, 2.0]))


def test_iteration_yields_rows():
    rows = list(Tensor(np.arange(6.0).reshape(3, 2)))
    assert len(rows) == 3 and all(isinstance(r, Tensor) for r in rows)
    np.testing.assert_array_equal(rows[2].data, [4.0, 5.0])


def test_repr():
    assert repr(Tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(Tensor([1.0], requires_grad=True)) == "tensor([1.], requires_grad=True)"
    assert repr(Tensor([1.0], dtype=engine.float64)) == "tensor([1.], dtype=float64)"
    y = Tensor([1.0], requires_grad=True) * 2
    assert repr(y) == "tensor([2.], grad_fn=<MulBackward>)"
    assert repr(Tensor(np.zeros((2, 2)), dtype=engine.float32)) == "tensor([[0., 0.],\n        [0., 0.]])"


def test_get_array_module_is_numpy_for_numpy():
    assert get_array_module(np.ones(2)) is np
    assert get_array_module(Tensor([1.0])) is np


# ------------------------------------------------------------ autograd state
def test_grad_setter():
    t = Tensor([1.0, 2.0], requires_grad=True)
    t.grad = Tensor([0.5, 0.5])
    np.testing.assert_array_equal(t.grad.data, [0.5, 0.5])
    t.grad = None
    assert t.grad is None
    t.grad = np.ones(2)  # arrays are wrapped, in the tensor's dtype
    assert isinstance(t.grad, Tensor) and t.grad.dtype == np.float32
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        t.grad = Tensor([1.0, 2.0, 3.0])


def test_detach_shares_data_without_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).detach()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf
    d = x.detach()
    assert d.data is x.data
    d.data[0] = 10.0
    assert x.data[0] == 10.0


def test_requires_grad_():
    x = Tensor([1.0])
    assert x.requires_grad_() is x and x.requires_grad
    x.requires_grad_(False)
    assert not x.requires_grad
    x.requires_grad = True
    assert x.requires_grad
    y = x * 2
    assert not y.is_leaf
    y.requires_grad_(True)  # already true: allowed, as in PyTorch
    with pytest.raises(ValueError, match="leaf"):
        y.requires_grad_(False)
    with pytest.raises(ValueError, match="leaf"):
        y.requires_grad = False


def test_retain_grad_needs_requires_grad():
    with pytest.raises(ValueError):
        Tensor([1.0]).retain_grad()


# ------------------------------------------------------------------ operators
def test_operators_match_numpy():
    a_np = np.array([[1.0, 2.0], [3.0, 4.0]])
    b_np = np.array([0.5, -2.0])
    a, b = Tensor(a_np), Tensor(b_np)
    cases = [(a + b, a_np + b_np), (a - b, a_np - b_np), (a * b, a_np * b_np),
             (a / b, a_np / b_np), (a ** 2, a_np ** 2), (a @ b, a_np @ b_np), (-a, -a_np),
             (abs(b), np.abs(b_np)), (+a, a_np)]
    for got, want in cases:
        assert isinstance(got, Tensor)
        np.testing.assert_allclose(got.data, want)


def test_reflected_operators_with_scalars_and_arrays():
    x = Tensor([1.0, 2.0, 4.0])
    np.testing.assert_allclose((2 + x).data, [3, 4, 6])
    np.testing.assert_allclose((2 - x).data, [1, 0, -2])
    np.testing.assert_allclose((2 * x).data, [2, 4, 8])
    np.testing.assert_allclose((2 / x).data, [2, 1, 0.5])
    np.testing.assert_allclose((2 ** x).data, [2, 4, 16])
    arr = np.array([1.0, 1.0, 1.0])
    for result in [arr + x, arr - x, arr * x, arr / x, arr ** x]:
        assert isinstance(result, Tensor)  # NumPy defers to the Tensor's reflected op
    np.testing.assert_allclose((arr - x).data, [0, -1, -3])
    m = np.eye(3)
    assert isinstance(m @ x, Tensor)
    np.testing.assert_allclose((m @ x).data, [1, 2, 4])


def test_reflected_ops_are_differentiable():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (3 - x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [-1, -1])
    x.grad = None
    (1 / x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [-1, -0.25])


def test_comparisons_give_bool_tensors_without_gradient():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    for got, want in [(x < 2, [1, 0, 0]), (x <= 2, [1, 1, 0]), (x > 2, [0, 0, 1]),
                      (x >= 2, [0, 1, 1]), (x == 2, [0, 1, 0]), (x != 2, [1, 0, 1]),
                      (x.eq(2), [0, 1, 0]), (x.ne(2), [1, 0, 1]), (x.lt(2), [1, 0, 0]),
                      (x.le(2), [1, 1, 0]), (x.gt(2), [0, 0, 1]), (x.ge(2), [0, 1, 1]),
                      (x > Tensor([0.0, 5.0, 0.0]), [1, 0, 1]), (2 < x, [0, 0, 1]),
                      (x == Tensor([1, 0, 3]), [1, 0, 1])]:
        assert isinstance(got, Tensor) and not got.requires_grad and got.grad_fn is None
        assert got.dtype == engine.bool
        np.testing.assert_array_equal(got.data, want)


def test_eq_is_elementwise_but_tensors_hash_by_identity_so_they_are_dict_keys():
    a, b = Tensor([1.0]), Tensor([1.0])
    assert (a == b).item() is True                      # elementwise, as in PyTorch
    assert (a == None) is False and (a != None) is True  # noqa: E711
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"
    assert a in {a} and b not in {a}


def test_float32_stays_float32_with_python_scalars():
    x = Tensor([1.0, 2.0])
    results = [x + 1.5, 1.5 + x, x - 2, 2 - x, x * 0.1, 0.1 * x, x / 3.0, 3.0 / x,
               x ** 2.5, 2.0 ** x, -x, x * True, x.clip(0.5, 1.5), engine.ops.maximum(x, 1.0)]
    for r in results:
        assert r.dtype == np.float32


def test_float32_with_int_array_stays_float32():
    x = Tensor([1.0, 2.0])
    assert (x + np.array([1, 2])).dtype == np.float32


def test_float32_with_float64_promotes_to_float64():
    a = Tensor([1.0, 2.0])
    b = Tensor([1.0, 2.0], dtype=engine.float64)
    for r in [a + b, b + a, a * b, a / b, a - b, a ** b]:
        assert r.dtype == np.float64
    with pytest.raises(TypeError, match="float32, b float64"):   # matmul refuses, as PyTorch
        a @ b
    # NumPy 2 rules: a float64 NumPy array or scalar is a "strong" type and promotes too.
    assert (a * np.float64(2.0)).dtype == np.float64
    assert (a * np.ones(2)).dtype == np.float64


def test_methods():
    x = Tensor([[1.0, 4.0], [9.0, 16.0]])
    np.testing.assert_allclose(x.sqrt().data, np.sqrt(x.data))
    np.testing.assert_allclose(x.log().data, np.log(x.data), rtol=1e-6)
    np.testing.assert_allclose(x.exp().data, np.exp(x.data), rtol=1e-6)
    np.testing.assert_allclose((-x).abs().data, x.data)
    np.testing.assert_allclose(x.clip(2, 10).data, [[2, 4], [9, 10]])
    np.testing.assert_allclose(x.clamp(min=5).data, [[5, 5], [9, 16]])
    assert x.sum().item() == 30 and x.mean().item() == 7.5 and x.max().item() == 16
    np.testing.assert_allclose(x.sum(axis=0).data, [10, 20])
    np.testing.assert_allclose(x.sum(dim=1).data, [5, 25])
    np.testing.assert_allclose(x.max(dim=0, keepdim=True).values.data, [[9, 16]])
    np.testing.assert_allclose(x.max(axis=0, keepdims=True).data, [[9, 16]])
    np.testing.assert_allclose(x.min(axis=1).data, [1, 9])
    assert x.reshape(4).shape == (4,) and x.reshape((1, 4)).shape == (1, 4)
    assert x.reshape(-1, 1).shape == (4, 1)
    assert x.transpose().shape == (2, 2) and x.transpose(1, 0).data[0, 1] == 9
    with pytest.raises(TypeError):
        x.sum(axis=0, dim=0)


def test_flatten_unsqueeze_squeeze():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.flatten().shape == (24,)
    assert x.flatten(1).shape == (2, 12)
    assert x.flatten(0, 1).shape == (6, 4)
    assert x.unsqueeze(0).shape == (1, 2, 3, 4)
    assert x.unsqueeze(-1).shape == (2, 3, 4, 1)
    assert x.unsqueeze(1).shape == (2, 1, 3, 4)
    y = Tensor(np.zeros((1, 3, 1)))
    assert y.squeeze().shape == (3,)
    assert y.squeeze(0).shape == (3, 1)
    assert y.squeeze(1).shape == (1, 3, 1)  # not size 1: kept, as in PyTorch


def test_swapaxes_and_permute():
    x = Tensor(np.arange(24.0).reshape(2, 3, 4))
    assert x.swapaxes(0, 2).shape == (4, 3, 2)
    assert x.permute(1, 2, 0).shape == (3, 4, 2)
    np.testing.assert_array_equal(x.permute(1, 2, 0).data, x.data.transpose(1, 2, 0))


def test_casts_are_differentiable():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x.double()
    assert y.dtype == np.float64 and y.grad_fn is not None
    (y * y).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0])
    assert x.float() is x  # already float32: no-op, like PyTorch
    assert x.astype("float64").dtype == np.float64
    i = x.astype(np.int32)                              # to an integer dtype: no gradient
    assert i.dtype == np.int32 and not i.requires_grad and i.grad_fn is None
    with pytest.raises(TypeError):
        x.astype(np.complex64)


def test_to_numpy_copies_only_cupy_arrays_from_the_device():
    from engine.tensor import to_numpy

    class HasGet(list):            # like a dict or a pandas Series: a .get that is not CuPy's
        def get(self, *args):
            raise AssertionError("to_numpy called .get() on a host object")

    np.testing.assert_array_equal(to_numpy(HasGet([1.0, 2.0])), [1.0, 2.0])
    np.testing.assert_array_equal(to_numpy(engine.tensor([3.0])), [3.0])
