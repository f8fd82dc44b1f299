"""Arrays from anywhere: big-endian data keeps its precision, and non-contiguous, negative
stride, read-only, broadcast and misaligned NumPy arrays give the right answer on every
native entry point (the C kernels read native, aligned, C-contiguous memory)."""
import numpy as np
import pytest

import engine
from engine import Tensor, nn, optim
from engine.nn import functional as F

BACKENDS = ["native", "reference"] if engine.backend.native_available() else ["reference"]


def _misaligned(a):
    buf = np.zeros(a.nbytes + 1, np.uint8)
    out = np.frombuffer(buf[1:].data, dtype=a.dtype).reshape(a.shape)
    out[...] = a
    assert not out.flags.aligned
    return out


def _read_only(a):
    a = a.copy()
    a.setflags(write=False)
    return a


# Each layout a hostile caller can hand over, built from a (6, 8) float64 array.
LAYOUTS = {
    "big-endian": lambda a: a.astype(">f8"),
    "transposed": lambda a: np.ascontiguousarray(a.T).T,
    "negative strides": lambda a: np.flip(np.flip(a, 0).copy(), 0),
    "every second column": lambda a: np.repeat(a, 2, axis=1)[:, ::2],
    "read-only": _read_only,
    "misaligned": _misaligned,
    "broadcast (stride 0)": lambda a: np.broadcast_to(a[:1], a.shape),
    "Fortran order": np.asfortranarray,
}

# Each entry point through which an array reaches a C kernel: (compute, NumPy's answer).
ENTRY_POINTS = {
    "relu": (lambda v: F.relu(Tensor(v)), lambda a: np.maximum(a, 0)),
    "sigmoid": (lambda v: F.sigmoid(Tensor(v)), lambda a: 1 / (1 + np.exp(-a))),
    "softmax": (lambda v: F.softmax(Tensor(v), -1),
                lambda a: np.exp(a) / np.exp(a).sum(-1, keepdims=True)),
    "matmul": (lambda v: Tensor(v) @ Tensor(v.T), lambda a: a @ a.T),
    "linear": (lambda v: F.linear(Tensor(v), Tensor(v)), lambda a: a @ a.T),
    "bmm": (lambda v: engine.bmm(Tensor(v[None]), Tensor(v.T[None])), lambda a: (a @ a.T)[None]),
    "conv2d": (lambda v: F.conv2d(Tensor(v).reshape(1, 1, 6, 8), Tensor(np.ones((1, 1, 3, 3)))),
               lambda a: np.array([[[[a[i:i + 3, j:j + 3].sum() for j in range(6)]
                                     for i in range(4)]]])),
    "max_pool2d": (lambda v: F.max_pool2d(Tensor(v).reshape(1, 1, 6, 8), 2),
                   lambda a: a.reshape(3, 2, 4, 2).max(axis=(1, 3))[None, None]),
    "tanh backward": (lambda v: _grad_of(F.tanh, v), lambda a: 1 - np.tanh(a) ** 2),
    "SGD step (gradient)": (lambda v: _sgd_with_gradient(v), lambda a: 1 - 0.5 * a),
    "Adam step (parameter)": (lambda v: _adam_on_parameter(v), None),
    "native gemm": (lambda v: _native().gemm(v, v.T), lambda a: a @ a.T),
    "native relu": (lambda v: _native().relu(v), lambda a: np.maximum(a, 0)),
    "native softmax": (lambda v: _native().softmax(v),
                       lambda a: np.exp(a) / np.exp(a).sum(-1, keepdims=True)),
}


def _native():
    if not engine.backend.native_available():
        pytest.skip("engine._C not built")
    return engine.backend._load("native")


def _grad_of(f, v):
    x = Tensor(v, requires_grad=True)
    f(x).sum().backward()
    return x.grad


def _sgd_with_gradient(v):
    p = nn.Parameter(np.ones((6, 8)))
    p.grad = v
    optim.SGD([p], lr=0.5).step()
    return p


def _adam_on_parameter(v):
    p = nn.Parameter(v)
    p.grad = np.ones((6, 8))
    optim.Adam([p], lr=0.5).step()
    return p


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_every_layout_gives_the_right_answer(backend, layout, entry):
    a = np.random.default_rng(0).normal(size=(6, 8))
    v = LAYOUTS[layout](a)
    values = np.ascontiguousarray(v).astype(np.float64)       # what v holds
    compute, answer = ENTRY_POINTS[entry]
    with engine.using_backend(backend):
        got = compute(v)
        if answer is None:                                    # the contiguous array's result
            want = compute(values)
    got = got.numpy() if isinstance(got, Tensor) else got
    want = want.numpy() if answer is None else answer(values)
    assert got.dtype == np.float64                           # never float32: precision kept
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make", [Tensor, engine.tensor, engine.as_tensor, nn.Parameter])
@pytest.mark.parametrize("dtype, want", [(">f8", np.float64), (">f4", np.float32),
                                         (">i8", np.int64), (">i4", np.int32), (">i2", np.int16)])
def test_big_endian_keeps_its_precision(make, dtype, want):
    if make is nn.Parameter and dtype[1] != "f":
        pytest.skip("parameters are float")
    a = (np.arange(5) * 1.0000000001 if dtype[1] == "f" else np.arange(5)).astype(dtype)
    t = make(a)
    assert t.dtype == want and t.data.dtype.isnative
    np.testing.assert_array_equal(t.numpy(), a)


def test_big_endian_everywhere_data_enters():
    a = (np.arange(12.0) / 7).reshape(4, 3).astype(">f8")
    x, = engine.utils.data.TensorDataset(a)[1:2]
    assert x.dtype == np.float64 and x.numpy()[0, 0] == a[1, 0]
    model = nn.Linear(3, 2, dtype=engine.float64)
    model.load_state_dict({"weight": a[:2], "bias": a[0, :2]})
    np.testing.assert_array_equal(model.weight.numpy(), a[:2])
    model.weight.grad = a[:2]
    assert model.weight.grad.dtype == np.float64
    with pytest.raises(TypeError, match="byte order"):
        engine.from_numpy(a)             # sharing memory is impossible, as in PyTorch


def test_a_parameter_from_a_strided_array_is_a_contiguous_copy_the_optimizer_can_update():
    base = np.arange(24.0).reshape(4, 6)
    p = nn.Parameter(base[:, ::2])
    assert p.data.flags.c_contiguous and p.data.flags.writeable
    p.grad = np.ones((4, 3))
    optim.SGD([p], lr=1.0).step()
    np.testing.assert_array_equal(p.numpy(), base[:, ::2] - 1)
