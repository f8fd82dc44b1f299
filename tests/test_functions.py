"""engine's top-level functions (engine/functions.py) against PyTorch's: creation (shapes,
dtypes, size as varargs or a tuple, devices), seeded random draws, and the math functions'
values and gradients in float32 and float64."""
import numpy as np
import pytest

import engine
from engine import tensor

DTYPES = [engine.float32, engine.float64]


def _torch():
    return pytest.importorskip("torch")


def _same_dtype(got, want):
    assert str(got.dtype) == str(want.dtype).replace("torch.", ""), (got.dtype, want.dtype)


# ------------------------------------------------------------------ creation
@pytest.mark.parametrize("call", [
    ("zeros", (2, 3), {}), ("zeros", ((2, 3),), {}), ("ones", ([4],), {}),
    ("ones", (2,), {"dtype": "int64"}), ("zeros", (3,), {"dtype": "bool"}),
    ("full", ((2, 2), 7), {}), ("full", ((2,), 1.5), {}), ("full", ((2,), True), {}),
    ("full", ((2,), 3), {"dtype": "float64"}),
    ("arange", (5,), {}), ("arange", (1, 7, 2), {}), ("arange", (0, 1, 0.25), {}),
    ("arange", (5, 0, -1), {}), ("arange", (0.5, 3), {}), ("arange", (4,), {"dtype": "float64"}),
    ("linspace", (0, 1, 5), {}), ("linspace", (-1, 1, 1), {}), ("eye", (3,), {}), ("eye", (2, 4), {}),
])
def test_creation_matches_pytorch(call):
    torch = _torch()
    name, args, kwargs = call
    got = getattr(engine, name)(*args, **kwargs)
    tkwargs = {k: getattr(torch, v) for k, v in kwargs.items()}
    want = getattr(torch, name)(*args, **tkwargs)
    _same_dtype(got, want)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)


def test_empty_has_the_shape_and_dtype():
    e = engine.empty(2, 5, dtype=engine.float64)
    assert e.shape == (2, 5) and e.dtype == engine.float64


@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_creation_keywords(name):
    make = getattr(engine, name)
    t = make(2, 3, dtype=engine.float64, requires_grad=True, device="cpu")
    assert t.shape == (2, 3) and t.dtype == engine.float64 and t.requires_grad and t.is_leaf
    assert make((2, 3), device=engine.device("cpu")).shape == (2, 3)
    with pytest.raises(RuntimeError, match="device 'cuda' is not available"):
        make(2, device="cuda")
    with pytest.raises(TypeError, match="sizes must be ints"):
        make(2.5)
    with pytest.raises(ValueError, match="non-negative"):
        make(-1)
    like = getattr(engine, f"{name}_like")(t)
    assert like.shape == t.shape and like.dtype == t.dtype and not like.requires_grad


def test_like_functions_keep_integer_dtypes():
    labels = tensor([3, 1, 2])
    assert engine.zeros_like(labels).dtype == engine.int64
    assert engine.full_like(labels, 7).tolist() == [7, 7, 7]
    r = engine.randint_like(labels, 5)
    assert r.dtype == engine.int64 and 0 <= r.min().item() and r.max().item() < 5
    assert engine.ones_like(labels, dtype=engine.float32).dtype == engine.float32


def test_integer_tensors_cannot_be_created_requiring_grad():
    with pytest.raises(RuntimeError, match="only float tensors"):
        engine.zeros(2, dtype=engine.int64, requires_grad=True)
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        engine.randn(2, dtype=engine.int64)


def test_random_functions_are_seeded_by_manual_seed():
    def draw():
        return [engine.rand(3).tolist(), engine.randn(2, 2).tolist(),
                engine.randint(0, 10, (5,)).tolist(), engine.randint(4, (2,)).tolist(),
                engine.randperm(6).tolist(), engine.rand_like(engine.zeros(2)).tolist(),
                engine.empty(3).normal_().tolist()]
    engine.manual_seed(42)
    first = draw()
    engine.manual_seed(42)
    assert draw() == first
    assert draw() != first


def test_random_draws_have_the_right_ranges():
    engine.manual_seed(0)
    u = engine.rand(10000)
    assert u.dtype == engine.float32 and 0 <= u.min().item() and u.max().item() < 1
    n = engine.randn(10000, dtype=engine.float64)
    assert n.dtype == engine.float64 and abs(n.mean().item()) < 0.05
    assert abs(n.data.std() - 1) < 0.05
    r = engine.randint(-3, 3, (1000,))
    assert r.dtype == engine.int64 and set(r.tolist()) == set(range(-3, 3))
    assert sorted(engine.randperm(5).tolist()) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="low must be below high"):
        engine.randint(3, 3, (2,))


def test_device_and_accelerator():
    cpu = engine.device("cpu")
    assert cpu == "cpu" and str(cpu) == "cpu" and cpu.type == "cpu" and cpu.index is None
    cuda1 = engine.device("cuda:1")
    assert cuda1.type == "cuda" and cuda1.index == 1 and repr(cuda1) == "device(type='cuda', index=1)"
    assert engine.device("cuda", 0) == "cuda:0" and engine.device(cpu) == cpu
    assert len({engine.device("cpu"), engine.device("cpu")}) == 1
    with pytest.raises(ValueError, match="unknown device"):
        engine.device("tpu")
    assert engine.accelerator.is_available() == engine.cuda.is_available()
    if not engine.accelerator.is_available():
        assert engine.accelerator.current_accelerator() is None
        assert engine.accelerator.device_count() == 0


def test_tensor_copies_but_from_numpy_and_as_tensor_share_memory():
    arr = np.arange(3.0, dtype=np.float32)
    t, shared, as_t = engine.tensor(arr), engine.from_numpy(arr), engine.as_tensor(arr)
    arr[0] = 9.0
    assert t.tolist()[0] == 0.0 and shared.tolist()[0] == 9.0 and as_t.tolist()[0] == 9.0
    assert engine.as_tensor(shared) is shared and engine.is_tensor(shared)
    with pytest.raises(TypeError, match="cannot be shared"):
        engine.from_numpy(np.ones(2, np.float16))


# ---------------------------------------------------------------- math functions
def _pair(data, dtype):
    torch = _torch()
    arr = np.asarray(data, dtype=dtype)
    return tensor(arr, requires_grad=True), torch.tensor(arr, requires_grad=True)


UNARY = [
    ("exp", lambda m, x: m.exp(x)), ("log", lambda m, x: m.log(m.abs(x) + 0.5)),
    ("sqrt", lambda m, x: m.sqrt(m.abs(x) + 0.5)), ("abs", lambda m, x: m.abs(x)),
    ("clamp", lambda m, x: m.clamp(x, -0.5, 0.7)), ("clamp_min", lambda m, x: m.clamp(x, min=0.1)),
    ("sigmoid", lambda m, x: m.sigmoid(x)), ("tanh", lambda m, x: m.tanh(x)),
    ("sum", lambda m, x: m.sum(x, 1)), ("sum_keep", lambda m, x: m.sum(x, dim=0, keepdim=True)),
    ("mean", lambda m, x: m.mean(x)), ("mean_dim", lambda m, x: m.mean(x, 1, True)),
    ("max", lambda m, x: m.max(x)), ("max_dim", lambda m, x: m.max(x, 1)[0]),
    ("min_dim", lambda m, x: m.min(x, dim=0).values),
    ("flatten", lambda m, x: m.flatten(x)), ("transpose", lambda m, x: m.transpose(x, 0, 1)),
    ("unsqueeze", lambda m, x: m.unsqueeze(x, 1)), ("reshape", lambda m, x: m.reshape(x, (4, 3))),
    ("cat", lambda m, x: m.cat([x, x * 2], 1)), ("cat0", lambda m, x: m.cat((x, x), dim=0)),
    ("stack", lambda m, x: m.stack([x, x * 3], dim=1)),
    ("matmul", lambda m, x: m.matmul(x, x.T)), ("mm", lambda m, x: m.mm(x.T, x)),
    ("bmm", lambda m, x: m.bmm(m.stack([x, x]), m.stack([x.T, x.T * 2]))),
    ("where", lambda m, x: m.where(x > 0, x, x * x)),
    ("maximum", lambda m, x: m.maximum(x, x.T.reshape(3, 4))),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, f", UNARY, ids=[u[0] for u in UNARY])
def test_math_functions_match_pytorch_values_and_gradients(name, f, dtype):
    torch = _torch()
    data = np.random.default_rng(7).normal(size=(3, 4))
    x, tx = _pair(data, dtype)
    y, ty = f(engine, x), f(torch, tx)
    _same_dtype(y, ty)
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == engine.float32 else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), **tol)
    g = np.random.default_rng(8).normal(size=y.shape).astype(dtype)
    y.backward(g)
    ty.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), **tol)


def test_argmax_where_comparisons_at_the_top_level():
    torch = _torch()
    data = np.array([[1.0, 3.0, 3.0], [0.0, -1.0, 2.0]])
    x, tx = tensor(data), torch.tensor(data)
    np.testing.assert_array_equal(engine.argmax(x, 1).data, torch.argmax(tx, 1).numpy())
    np.testing.assert_array_equal(engine.argmin(x).data, torch.argmin(tx).numpy())
    for got, want in zip(engine.where(x > 1), torch.where(tx > 1)):
        np.testing.assert_array_equal(got.data, want.numpy())
        assert got.dtype == engine.int64
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        np.testing.assert_array_equal(getattr(engine, name)(x, 1.0).data,
                                      getattr(torch, name)(tx, 1.0).numpy())
    assert engine.equal(x, tensor(data)) and not engine.equal(x, x[:1])
    assert engine.allclose(x, x + 1e-9) and engine.numel(x) == 6


def test_shape_errors_are_clear():
    with pytest.raises(ValueError, match="mm expects two 2-D tensors"):
        engine.mm(engine.zeros(2, 3, 4), engine.zeros(4, 2))
    with pytest.raises(ValueError, match="bmm expects two 3-D tensors"):
        engine.bmm(engine.zeros(2, 3, 4), engine.zeros(3, 4, 2))
    with pytest.raises(ValueError, match="clamp needs min= or max="):
        engine.clamp(engine.zeros(2))


def test_out_and_alpha_keywords_like_pytorch():
    torch = _torch()
    a = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    x, tx = tensor(a), torch.tensor(a)
    for name, args in (("matmul", (x, x.T)), ("add", (x, x)), ("sub", (x, 1.0)),
                       ("mul", (x, x)), ("div", (x, 2.0))):
        out = engine.zeros(*getattr(engine, name)(*args).shape)
        assert getattr(engine, name)(*args, out=out) is out
        targs = tuple(tx if a is x else tx.T if isinstance(a, engine.Tensor) else a for a in args)
        np.testing.assert_allclose(out.data, getattr(torch, name)(*targs).numpy())
    np.testing.assert_allclose(engine.add(x, x, alpha=3).data, torch.add(tx, tx, alpha=3).numpy())
    np.testing.assert_allclose(engine.sub(x, x, alpha=0.5).data, torch.sub(tx, tx, alpha=0.5).numpy())
    with pytest.raises(ValueError, match="out= has shape"):
        engine.mul(x, x, out=engine.zeros(3))
