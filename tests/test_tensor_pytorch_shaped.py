"""Tensors behave as PyTorch's: integer and bool tensors, comparisons, argmax and max(dim),
dims and views, item/tolist/format, tensor indices, in-place changes outside autograd, dtype
promotion. Values and gradients are compared with PyTorch when it is installed."""
import numpy as np
import pytest

import engine
from engine import Tensor, tensor

DTYPES = [engine.float32, engine.float64]


def _torch():
    return pytest.importorskip("torch")


def _tol(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == engine.float32 else dict(rtol=1e-12, atol=1e-12)


def _pair(data, dtype, requires_grad=True):
    """The same values as an engine tensor and a torch tensor."""
    torch = _torch()
    arr = np.asarray(data, dtype=dtype)
    return (tensor(arr, requires_grad=requires_grad),
            torch.tensor(arr, requires_grad=requires_grad))


# --------------------------------------------------------------- integer and bool tensors
def test_labels_stay_int64_and_count_matches_like_the_mnist_test_loop():
    output = tensor([[0.1, 2.0, 0.3], [1.5, 0.2, 0.1], [0.0, 0.1, 0.9], [0.3, 0.2, 0.1]])
    target = tensor([1, 0, 1, 2])
    assert target.dtype == engine.int64 and not target.requires_grad
    pred = output.argmax(dim=1, keepdim=True)
    assert pred.dtype == engine.int64 and pred.shape == (4, 1)
    correct = pred.eq(target.view_as(pred)).sum().item()
    assert correct == 2 and isinstance(correct, int)
    assert (pred.squeeze(1) == target).sum().dtype == engine.int64


def test_integer_tensors_take_pytorchs_dtypes():
    torch = _torch()
    for data in ([1, 2], [True, False], [1.5, 2], 3, np.arange(3, dtype=np.int32),
                 np.arange(3, dtype=np.uint8), np.array([1.0], np.float64)):
        assert str(tensor(data).dtype) == str(torch.tensor(data).dtype).replace("torch.", "")


@pytest.mark.parametrize("method, want", [("long", "int64"), ("int", "int32"),
                                          ("float", "float32"), ("double", "float64"),
                                          ("bool", "bool")])
def test_cast_methods(method, want):
    t = getattr(tensor([0.0, 1.7, -2.2]), method)()
    assert t.dtype == want
    np.testing.assert_array_equal(t.data, np.array([0.0, 1.7, -2.2], np.float32).astype(want))


def test_a_cast_to_an_integer_dtype_leaves_the_graph():
    x = tensor([1.5, 2.5], requires_grad=True)
    assert not x.long().requires_grad and x.long().grad_fn is None
    y = tensor([1, 2]).float()
    assert y.dtype == engine.float32 and not y.requires_grad


def test_python_scalars_and_mixed_dtypes_promote_like_pytorch():
    torch = _torch()
    i64, f32, f64 = tensor([1, 2]), tensor([1.0, 2.0]), tensor([1.0, 2.0], dtype=engine.float64)
    t_i64, t_f32, t_f64 = (torch.tensor([1, 2]), torch.tensor([1.0, 2.0]),
                           torch.tensor([1.0, 2.0], dtype=torch.float64))
    b, t_b = tensor([True, False]), torch.tensor([True, False])
    cases = [(i64 * 0.5, t_i64 * 0.5), (i64 + 1, t_i64 + 1), (i64 / 2, t_i64 / 2),
             (i64 / i64, t_i64 / t_i64), (i64 + f32, t_i64 + t_f32), (f32 * i64, t_f32 * t_i64),
             (f32 + f64, t_f32 + t_f64), (b + 1, t_b + 1), (b * 2.5, t_b * 2.5),
             (i64 ** 2, t_i64 ** 2), (-i64, -t_i64), (i64.exp(), t_i64.exp()),
             (i64.sqrt(), t_i64.sqrt()), (b.sum(), t_b.sum()), (i64.sum(), t_i64.sum()),
             (engine.maximum(i64, f32), torch.maximum(t_i64, t_f32))]
    for got, want in cases:
        assert str(got.dtype) == str(want.dtype).replace("torch.", ""), (got, want)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_mean_of_an_integer_tensor_is_refused_like_pytorch():
    with pytest.raises(TypeError, match="mean\\(\\) needs a float tensor"):
        tensor([1, 2]).mean()
    assert tensor([1, 2]).float().mean().item() == 1.5


def test_logical_operators_on_masks():
    a, b = tensor([True, True, False]), tensor([True, False, False])
    np.testing.assert_array_equal((a & b).data, [True, False, False])
    np.testing.assert_array_equal((a | b).data, [True, True, False])
    np.testing.assert_array_equal((a ^ b).data, [False, True, False])
    np.testing.assert_array_equal((~a).data, [False, False, True])
    assert a.any().item() and not (a & b & ~b).any().item() and not a.all().item()
    with pytest.raises(TypeError, match="bool or integer tensors"):
        tensor([1.0]) & tensor([1.0])


# --------------------------------------------------------------- argmax, max(dim), reductions
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, -1])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_min_along_dim_match_pytorch(dtype, dim, keepdim, name):
    torch = _torch()
    data = np.array([[1.0, 5.0, 5.0], [7.0, -2.0, 3.0]])      # a tie in row 0
    x, tx = _pair(data, dtype)
    values, indices = getattr(x, name)(dim, keepdim)
    tvalues, tindices = getattr(tx, name)(dim, keepdim)
    assert type(getattr(x, name)(dim)).__name__ == name       # a namedtuple, as torch's
    np.testing.assert_allclose(values.data, tvalues.detach().numpy())
    np.testing.assert_array_equal(indices.data, tindices.numpy())
    assert indices.dtype == engine.int64
    g = np.arange(1.0, values.numel() + 1).reshape(values.shape)
    values.backward(g.astype(dtype))
    tvalues.backward(torch.tensor(g.astype(dtype)))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())
    assert x.grad.dtype == dtype
    top = getattr(engine, name)(x, dim, keepdim)     # engine.max(x, dim) as torch.max(x, dim)
    np.testing.assert_array_equal(top.indices.data, tindices.numpy())


@pytest.mark.parametrize("dim", [None, 0, 1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_argmax_argmin_match_pytorch(dim, keepdim):
    torch = _torch()
    data = np.random.default_rng(1).integers(0, 4, (3, 5)).astype(np.float32)   # with ties
    for name in ("argmax", "argmin"):
        got = getattr(tensor(data), name)(dim=dim, keepdim=keepdim)
        want = getattr(torch.tensor(data), name)(dim=dim, keepdim=keepdim)
        assert got.dtype == engine.int64 and got.shape == tuple(want.shape)
        np.testing.assert_array_equal(got.data, want.numpy())
        np.testing.assert_array_equal(getattr(engine, name)(tensor(data), dim, keepdim).data,
                                      want.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
def test_sum_mean_with_dim_and_keepdim_match_pytorch(dtype):
    _torch()
    data = np.random.default_rng(2).normal(size=(2, 3, 4))
    for dim in (None, 0, (0, 2), -1):
        for keepdim in (False, True):
            for name in ("sum", "mean"):
                x, tx = _pair(data, dtype)
                y = getattr(x, name)(dim, keepdim) if dim is not None else getattr(x, name)()
                ty = getattr(tx, name)(dim, keepdim) if dim is not None else getattr(tx, name)()
                np.testing.assert_allclose(y.data, ty.detach().numpy(), **_tol(dtype))
                (y * y).sum().backward()
                (ty * ty).sum().backward()
                np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), **_tol(dtype))
    x = tensor(data)
    np.testing.assert_allclose(x.sum(dim=1, keepdim=True).data, data.sum(1, keepdims=True))


def test_max_of_two_tensors_is_elementwise():
    a, b = tensor([1.0, 5.0]), tensor([3.0, 2.0])
    np.testing.assert_array_equal(a.max(b).data, [3.0, 5.0])
    np.testing.assert_array_equal(engine.min(a, b).data, [1.0, 2.0])


# --------------------------------------------------------------- shape, views, info
def test_size_numel_dim_view_flatten_unsqueeze_squeeze_permute_match_pytorch():
    torch = _torch()
    data = np.arange(24.0).reshape(2, 3, 4)
    x, tx = tensor(data), torch.tensor(data)
    assert x.size() == tuple(tx.size()) and x.size(1) == tx.size(1) and x.size(-1) == tx.size(-1)
    assert x.numel() == tx.numel() and x.dim() == tx.dim()
    for got, want in [(x.view(6, 4), tx.view(6, 4)), (x.view(-1), tx.view(-1)),
                      (x.view((4, -1)), tx.view((4, -1))), (x.flatten(1), tx.flatten(1)),
                      (x.unsqueeze(1), tx.unsqueeze(1)), (x.unsqueeze(dim=-1), tx.unsqueeze(dim=-1)),
                      (x.permute(2, 0, 1), tx.permute(2, 0, 1)),
                      (x.transpose(0, 2), tx.transpose(0, 2)), (x.transpose(1, 2), tx.transpose(1, 2)),
                      (x[:, :1].squeeze(1), tx[:, :1].squeeze(1)), (x[0].view_as(x[0].T), tx[0].view(4, 3)),
                      (x[0].t(), tx[0].t())]:
        np.testing.assert_array_equal(got.data, want.numpy())
    with pytest.raises(IndexError):
        x.size(3)


def test_item_tolist_format_int_float_index_iteration():
    assert tensor([[2.5]]).item() == 2.5 and tensor(True).item() is True
    assert tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert "{:+.2f}".format(tensor(1.2345)) == "+1.23"
    assert f"{tensor([0.5]):.1%}" == "50.0%"
    assert f"{tensor(3):03d}" == "003"
    assert f"{tensor([1.0, 2.0])}" == "tensor([1., 2.])"
    with pytest.raises(TypeError, match="one-element"):
        f"{tensor([1.0, 2.0]):.2f}"
    assert int(tensor(3.7)) == 3 and float(tensor([2])) == 2.0
    assert [10, 20, 30][tensor(1)] == 20 and list(range(tensor(3))) == [0, 1, 2]
    with pytest.raises(TypeError, match="only integer tensors"):
        [10, 20][tensor(1.0)]
    rows = list(tensor([[1, 2], [3, 4]]))
    assert len(rows) == 2 and rows[1].tolist() == [3, 4]
    with pytest.raises(ValueError, match="one element"):
        tensor([1.0, 2.0]).item()


# --------------------------------------------------------------- indexing
@pytest.mark.parametrize("dtype", DTYPES)
def test_mask_and_integer_array_indexing_match_pytorch_with_gradients(dtype):
    torch = _torch()
    data = np.random.default_rng(3).normal(size=(4, 3))
    x, tx = _pair(data, dtype)
    rows = [0, 2, 2]
    for got, want in [(x[x > 0], tx[tx > 0]), (x[tensor(rows)], tx[torch.tensor(rows)]),
                      (x[tensor(rows), tensor([1, 0, 1])], tx[torch.tensor(rows), torch.tensor([1, 0, 1])]),
                      (x[:, tensor([True, False, True])], tx[:, torch.tensor([True, False, True])])]:
        np.testing.assert_allclose(got.data, want.detach().numpy())
        (got * got).sum().backward()
        (want * want).sum().backward()
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), **_tol(dtype))


def test_setitem_outside_autograd():
    x = engine.zeros(2, 3)
    x[0, 1] = 5.0
    x[x == 0] = 1.0
    x[tensor([1]), :] = tensor([7.0, 8.0, 9.0])
    np.testing.assert_array_equal(x.data, [[1, 5, 1], [7, 8, 9]])
    w = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        w[0] = 3.0
    with engine.no_grad():
        w[0] = 3.0
    assert w.tolist() == [3.0, 2.0]
    y = w * 2
    with pytest.raises(ValueError, match="made by Mul in a recorded graph"):
        y[0] = 1.0


# --------------------------------------------------------------- in place
def test_inplace_ops_on_parameters_under_no_grad_like_an_sgd_step():
    torch = _torch()
    for dtype in DTYPES:
        w, tw = _pair([1.0, -2.0, 3.0], dtype)
        (w * w).sum().backward()
        (tw * tw).sum().backward()
        with engine.no_grad():
            assert w.add_(w.grad, alpha=-0.1) is w
            w.mul_(2).sub_(tensor([1.0, 1.0, 1.0]), alpha=0.5).div_(4).clamp_(-0.5, 1.0)
        with torch.no_grad():
            tw.add_(tw.grad, alpha=-0.1).mul_(2).sub_(torch.ones(3, dtype=tw.dtype), alpha=0.5)
            tw.div_(4).clamp_(-0.5, 1.0)
        np.testing.assert_allclose(w.data, tw.detach().numpy(), **_tol(dtype))
        assert w.dtype == dtype and w.requires_grad and w.is_leaf
        w.grad.zero_()
        assert w.grad.tolist() == [0.0, 0.0, 0.0]


def test_inplace_ops_refuse_tensors_of_a_recorded_graph():
    w = tensor([1.0, 2.0], requires_grad=True)
    for change in (lambda t: t.add_(1), lambda t: t.mul_(2), lambda t: t.zero_(),
                   lambda t: t.copy_(tensor([0.0, 0.0])), lambda t: t.fill_(1)):
        with pytest.raises(RuntimeError, match="while gradients are recorded"):
            change(w)
        with pytest.raises(ValueError, match="recorded graph"):
            change(w * 1)
    assert w.tolist() == [1.0, 2.0]
    d = w.detach()             # shares w's memory: the way around, as with PyTorch's .data
    d.zero_()
    assert w.tolist() == [0.0, 0.0]


def test_copy_broadcasts_and_converts():
    x = engine.zeros(2, 3, dtype=engine.float64)
    x.copy_(tensor([1, 2, 3]))
    np.testing.assert_array_equal(x.data, [[1, 2, 3], [1, 2, 3]])
    assert x.dtype == engine.float64
    with pytest.raises(TypeError):
        tensor([1, 2]).mul_(0.5)            # int64 cannot hold the result, as in PyTorch


def test_normal_and_uniform_fill_from_the_seeded_generator():
    engine.manual_seed(3)
    a = engine.empty(100).normal_(2.0, 0.5)
    engine.manual_seed(3)
    b = engine.empty(100).normal_(2.0, 0.5)
    np.testing.assert_array_equal(a.data, b.data)
    u = engine.empty(1000).uniform_(-1, 1)
    assert -1 <= u.min().item() and u.max().item() < 1 and abs(a.mean().item() - 2) < 0.3


# --------------------------------------------------------------- dtypes in products
def test_matmul_refuses_mixed_dtypes_but_elementwise_ops_promote():
    a = tensor([[1.0, 2.0]])
    b = tensor([[1.0], [2.0]], dtype=engine.float64)
    with pytest.raises(TypeError, match="float32.*float64"):
        engine.matmul(a, b)
    with pytest.raises(TypeError, match="input float64, weight float32"):
        engine.nn.functional.conv2d(engine.zeros(1, 1, 3, 3, dtype=engine.float64),
                                    engine.zeros(1, 1, 2, 2))
    assert (a * b.T).dtype == engine.float64
    np.testing.assert_array_equal(engine.matmul(tensor([[1, 2]]), tensor([[3], [4]])).data, [[11]])


# --------------------------------------------------------------- PyTorch's method forms
def _index(m, values):
    return m.tensor(values)


METHODS = [
    ("var", lambda m, t: t.var()), ("std_dim", lambda m, t: t.std(1)),
    ("var_biased", lambda m, t: t.var(0, unbiased=False)), ("norm", lambda m, t: t.norm()),
    ("norm_dim", lambda m, t: t.norm(dim=1, keepdim=True)), ("norm1", lambda m, t: t.norm(p=1)),
    ("clone", lambda m, t: t.clone() * 2), ("contiguous", lambda m, t: t.T.contiguous()),
    ("expand", lambda m, t: t[:, :1].expand(3, 5)), ("expand_neg", lambda m, t: t[:1].expand(2, -1, -1)),
    ("expand_as", lambda m, t: t[:1].expand_as(t)),
    ("masked_fill", lambda m, t: t.masked_fill(t > 0, 0.5)),
    ("split", lambda m, t: t.split(3, 1)[1]), ("split_list", lambda m, t: t.split([1, 2], 0)[1]),
    ("chunk", lambda m, t: t.chunk(2, 0)[1]), ("unbind", lambda m, t: t.unbind(1)[2]),
    ("index_select", lambda m, t: t.index_select(1, _index(m, [0, 2, 2]))),
    ("softmax", lambda m, t: t.softmax(1)), ("log_softmax", lambda m, t: t.log_softmax(dim=1)),
    ("relu", lambda m, t: t.relu()), ("sigmoid", lambda m, t: t.sigmoid()),
    ("tanh", lambda m, t: t.tanh()), ("add_alpha", lambda m, t: t.add(t * t, alpha=2)),
    ("sub_alpha", lambda m, t: t.sub(1.5, alpha=2)), ("mul", lambda m, t: t.mul(t)),
    ("div", lambda m, t: t.div(2.0)), ("pow", lambda m, t: t.pow(2)), ("neg", lambda m, t: t.neg()),
    ("square", lambda m, t: t.square()), ("matmul", lambda m, t: t.matmul(t.T)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, f", METHODS, ids=[m[0] for m in METHODS])
def test_method_forms_match_pytorch_values_and_gradients(name, f, dtype):
    torch = _torch()
    x, tx = _pair(np.random.default_rng(4).normal(size=(3, 4)), dtype)
    y, ty = f(engine, x), f(torch, tx)
    assert y.shape == tuple(ty.shape) and str(y.dtype) == str(ty.dtype).replace("torch.", "")
    np.testing.assert_allclose(y.data, ty.detach().numpy(), **_tol(dtype))
    g = np.random.default_rng(5).normal(size=y.shape).astype(dtype)
    y.backward(g)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), **_tol(dtype))


def test_integer_division_rounding_and_new_tensors():
    torch = _torch()
    i, ti = tensor([5, -7, 9]), torch.tensor([5, -7, 9])
    for got, want in [(i // 2, ti // 2), (i % 4, ti % 4), (20 // i, 20 // ti),
                      (tensor([1.5, -0.5]).floor(), torch.tensor([1.5, -0.5]).floor()),
                      (tensor([1.5, -0.5]).ceil(), torch.tensor([1.5, -0.5]).ceil()),
                      (tensor([-2.0, 0.0, 3.0]).sign(), torch.tensor([-2.0, 0.0, 3.0]).sign())]:
        assert str(got.dtype) == str(want.dtype).replace("torch.", "")
        np.testing.assert_array_equal(got.data, want.numpy())
    with pytest.raises(ValueError, match="no useful gradient"):
        tensor([1.5], requires_grad=True).floor()
    x = tensor([1.0], dtype=engine.float64)
    assert x.new_zeros(2, 3).dtype == engine.float64 and x.new_ones((2,)).tolist() == [1.0, 1.0]
    assert x.new_full((2,), 4).tolist() == [4.0, 4.0] and x.new_tensor([1, 2]).dtype == engine.float64
    y = tensor([1.0], requires_grad=True) * 2
    assert y.detach_() is y and y.is_leaf and not y.requires_grad


def test_augmented_assignment_updates_parameters_in_place_under_no_grad():
    torch = _torch()
    w, tw = _pair([1.0, -2.0], engine.float32)
    alias = w
    (w * w).sum().backward()
    (tw * tw).sum().backward()
    with engine.no_grad():
        w -= 0.1 * w.grad                  # the manual SGD step of PyTorch's tutorials
        w *= 2
        w /= 4
        w += tensor([1, 1])
    with torch.no_grad():
        tw -= 0.1 * tw.grad
        tw *= 2
        tw /= 4
        tw += torch.tensor([1, 1])
    assert w is alias and w.is_leaf and w.requires_grad
    np.testing.assert_allclose(w.data, tw.detach().numpy(), rtol=1e-6)
    h = w * 3                              # inside a graph: a new tensor, gradients right
    h += w
    h.sum().backward()
    np.testing.assert_allclose(w.grad.data, 2 * np.array([1.0, -2.0]) + 4, rtol=1e-6)
    counts = tensor([1, 2])
    with pytest.raises(TypeError):
        counts += 0.5                      # int64 cannot hold it, as in PyTorch
