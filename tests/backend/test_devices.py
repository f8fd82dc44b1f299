"""Devices without a GPU: engine.device, the rules of engine/devices.py (no implicit copies,
one device per op, .numpy() on a GPU tensor is an error) checked with a stand-in GPU array,
and every op and layer run through the cuda backend's code with NumPy standing in for CuPy."""
import subprocess
import sys
import types

import numpy as np
import pytest

import engine
from engine import backend, devices, nn
from engine.backend import cuda
from engine.nn import functional as F
from engine.tensor import _wrap


class FakeGpuArray(np.ndarray):
    """A NumPy array that says it lives on GPU 0, as a CuPy array does (its type's module
    starts with "cupy", it has ``.device.id`` and ``.get()``): enough for the device rules."""
    device = types.SimpleNamespace(id=0)

    def get(self):
        return np.asarray(self).copy()


FakeGpuArray.__module__ = "cupy_stand_in"


def gpu_tensor(values):
    return _wrap(np.asarray(values, dtype=np.float32).view(FakeGpuArray))


# ------------------------------------------------------------------ engine.device

def test_device_names_and_equality():
    assert engine.device("cuda") == "cuda" == engine.device("cuda:0") == engine.device("cuda", 0)
    assert engine.device("cpu") == "cpu" != engine.device("cuda")
    assert engine.device("cuda:1") != "cuda" and engine.device("cuda:1").index == 1
    assert str(engine.device("cuda")) == "cuda:0" and str(engine.device("cpu")) == "cpu"
    assert repr(engine.device("cuda:2")) == "device(type='cuda', index=2)"
    assert engine.device(engine.device("cpu")) == "cpu"
    assert len({engine.device("cuda"), engine.device("cuda:0"), engine.device("cpu")}) == 2
    assert engine.device("cpu") != 3 and engine.device("cpu") != "tpu"
    with pytest.raises(AttributeError):
        engine.device("cpu").type = "cuda"


@pytest.mark.parametrize("spec, error", [("tpu", ValueError), ("cuda:x", ValueError),
                                         ("cpu:1", ValueError), (3, TypeError),
                                         (("cuda:1", 2), ValueError), (("cuda", -1), ValueError)])
def test_bad_devices_are_refused(spec, error):
    args = spec if isinstance(spec, tuple) else (spec,)
    with pytest.raises(error):
        engine.device(*args)


def test_cpu_tensors_and_modules_stay_where_they_are():
    t = engine.tensor([1.0, 2.0])
    assert t.device == "cpu" and isinstance(t.device, engine.device)
    assert t.cpu() is t and t.to("cpu") is t and t.to(engine.float32) is t
    d = t.to(engine.float64)
    assert d.dtype == np.float64 and d.device == "cpu"
    assert t.to("cpu", "float64").dtype == np.float64
    assert t.to(d).dtype == np.float64                  # another tensor's device and dtype
    m = nn.Linear(2, 3)
    assert m.cpu() is m and m.to("cpu", engine.float64) is m
    assert m.weight.dtype == np.float64


@pytest.mark.skipif(engine.cuda.is_available(), reason="a GPU is present")
def test_moving_to_cuda_without_a_gpu_says_what_to_install():
    t = engine.tensor([1.0])
    for move in (lambda: t.to("cuda"), t.cuda, lambda: t.to(engine.device("cuda:0"))):
        with pytest.raises(RuntimeError, match="cupy-cuda12x|no GPU"):
            move()
    m = nn.Linear(2, 2)
    with pytest.raises(RuntimeError, match="cupy-cuda12x|no GPU"):
        m.cuda()
    assert type(m.weight.data) is np.ndarray            # nothing moved
    assert engine.cuda.device_count() == 0 and not engine.cuda.is_available()
    engine.cuda.synchronize()                           # nothing to wait for


# ------------------------------------------------------------------ the rules

def test_a_gpu_tensor_reports_its_device_and_refuses_numpy():
    t = gpu_tensor([1.0, 2.0])
    assert t.device == "cuda" and t.device == "cuda:0"
    with pytest.raises(TypeError, match=r"cuda:0.*\.cpu\(\)"):
        t.numpy()
    with pytest.raises(TypeError, match=r"\.cpu\(\)"):
        np.asarray(t)
    assert "device='cuda:0'" in repr(t)
    host = t.cpu()                                      # the explicit copy
    assert type(host.data) is np.ndarray and host.device == "cpu"
    np.testing.assert_array_equal(host.numpy(), [1.0, 2.0])


@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a * b,
                                lambda a, b: a @ b.reshape(2, 1),
                                lambda a, b: engine.stack([a, b])])
def test_mixing_devices_in_one_op_names_both(op):
    cpu, gpu = engine.tensor([1.0, 2.0]), gpu_tensor([3.0, 4.0])
    for a, b in ((cpu, gpu), (gpu, cpu)):
        with pytest.raises(devices.DeviceMismatch, match="cpu.*cuda:0|cuda:0.*cpu"):
            op(a, b)
    with pytest.raises(RuntimeError):                   # PyTorch's exception type, too
        cpu + gpu


def test_a_layer_on_the_cpu_refuses_gpu_input():
    with pytest.raises(devices.DeviceMismatch, match="cuda:0"):
        nn.Linear(2, 1)(gpu_tensor([[1.0, 2.0]]))


def test_gpu_logits_need_gpu_labels():
    from engine.ops.loss import _labels_on
    fake_cupy = types.SimpleNamespace(ndarray=FakeGpuArray)
    labels = np.array([0, 1]).view(FakeGpuArray)
    assert _labels_on("cross_entropy", labels, fake_cupy) is labels
    assert _labels_on("cross_entropy", _wrap(labels), fake_cupy) is labels
    with pytest.raises(devices.DeviceMismatch, match="targets are not"):
        _labels_on("cross_entropy", np.array([0, 1]), fake_cupy)


def test_move_is_the_identity_on_the_same_device_and_copies_gpu_data_home():
    a = np.ones(3)
    assert devices.move(a, "cpu") is a
    g = np.arange(3.0).view(FakeGpuArray)
    assert devices.move(g, "cuda") is g
    host = devices.move(g, engine.device("cpu"))
    assert type(host) is np.ndarray and host.tolist() == [0.0, 1.0, 2.0]


# ------------------------------------------------------------------ without CuPy

@pytest.mark.parametrize("how", ["absent", "broken"])
def test_engine_works_on_the_cpu_without_a_usable_cupy(how, tmp_path):
    # a cupy that is not there (ImportError), or one that fails as it loads its CUDA libraries
    (tmp_path / "cupy").mkdir()
    message = "No module named 'cupy'" if how == "absent" else "libcudart.so: cannot open"
    error = "ImportError" if how == "absent" else "RuntimeError"
    (tmp_path / "cupy" / "__init__.py").write_text(f"raise {error}({message!r})\n")
    script = (
        "import engine, numpy as np\n"
        "from engine import nn\n"
        "assert not engine.cuda.is_available() and engine.cuda.device_count() == 0\n"
        "x = engine.tensor(np.ones((2, 3)), requires_grad=True)\n"
        "loss = nn.Linear(3, 2)(x).sum(); loss.backward()\n"
        "assert x.grad.shape == (2, 3)\n"
        "from engine.info import report; print(report())\n")
    env = {"PYTHONPATH": f"{tmp_path}:{engine.__path__[0]}/..", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "no CuPy" in done.stdout


# ------------------------------------------ ops and layers on the cuda backend's code

def use_cuda_code(monkeypatch):
    """Make every op compute with the cuda backend's kernels, NumPy standing in for CuPy;
    returns the list of kernels called (so a test can tell that they were)."""
    standin, calls = cuda.make_backend(np), []
    for name in standin.__all__:
        kernel = getattr(standin, name)
        setattr(standin, name,
                lambda *a, _k=kernel, _n=name, **kw: calls.append(_n) or _k(*a, **kw))
    monkeypatch.setattr(backend, "_active", standin)
    return calls


def _run(case, seed):
    rng = np.random.default_rng(seed)
    inputs = [engine.tensor(rng.standard_normal(s), requires_grad=True, dtype=engine.float64)
              for s in case[0]]
    out = case[1](*inputs)
    out.backward(engine.tensor(np.ones(out.shape)) if out.size > 1 else None)
    return [out.numpy()] + [t.grad.numpy() for t in inputs]


OP_CASES = {
    "conv1d": ([(2, 3, 9), (4, 3, 3), (4,)], lambda x, w, b: F.conv1d(x, w, b, 2, 1)),
    "conv2d": ([(2, 4, 7, 6), (6, 2, 3, 3), (6,)], lambda x, w, b: F.conv2d(x, w, b, 1, 1,
                                                                          groups=2)),
    "conv3d": ([(1, 2, 5, 4, 4), (3, 2, 2, 2, 2)], lambda x, w: F.conv3d(x, w, dilation=2)),
    "conv_transpose2d": ([(2, 3, 4, 4), (3, 2, 3, 3)],
                         lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1)),
    "pools": ([(2, 3, 6, 7)], lambda x: F.max_pool2d(x, 2) .sum() + F.avg_pool2d(x, 3, 1, 1)
              .sum() + F.max_pool1d(x.reshape(6, 6, 7), 3).sum()),
    "activations": ([(4, 5)], lambda x: F.relu(x) + F.elu(x) + F.sigmoid(x) + F.tanh(x)
                    + F.softplus(x) + F.leaky_relu(x) + F.softmax(x, 1) + F.log_softmax(x, 1)),
    "losses": ([(4, 5), (4, 5)], lambda z, t: F.cross_entropy(z, np.array([0, 1, 4, 2]))
               + F.binary_cross_entropy_with_logits(z, F.sigmoid(t)) + F.mse_loss(z, t)),
    "linear": ([(3, 4), (5, 4), (5,)], lambda x, w, b: F.linear(x, w, b)),
}


@pytest.mark.parametrize("name", OP_CASES)
def test_ops_on_the_cuda_code_match_the_reference_backend(name, monkeypatch):
    with engine.using_backend("reference"):
        want = _run(OP_CASES[name], 3)
    calls = use_cuda_code(monkeypatch)
    got = _run(OP_CASES[name], 3)
    assert calls
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


def _lenet_steps(optimizer_class, **options):
    engine.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
                          nn.Linear(16 * 5 * 5, 10))
    optimizer = optimizer_class(model.parameters(), **options)
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((4, 1, 28, 28)).astype(np.float32), np.array([1, 2, 3, 4])
    for _ in range(2):
        optimizer.zero_grad()
        F.cross_entropy(model(engine.tensor(x)), y).backward()
        optimizer.step()
    return [p.numpy().copy() for p in model.parameters()]


@pytest.mark.parametrize("optimizer, options", [
    (engine.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    (engine.optim.Adam, dict(lr=1e-3)),
    (engine.optim.RMSprop, dict(lr=1e-3, centered=True, momentum=0.5)),
    (engine.optim.Adagrad, dict(lr=1e-2))])
def test_a_lenet_training_step_on_the_cuda_code_matches_the_reference(optimizer, options,
                                                                      monkeypatch):
    with engine.using_backend("reference"):
        want = _lenet_steps(optimizer, **options)
    calls = use_cuda_code(monkeypatch)
    got = _lenet_steps(optimizer, **options)
    assert {"im2col", "col2im", "gemm", "max_pool2d_backward", "avg_pool2d_backward",
            "relu_backward", "log_softmax"} <= set(calls)
    assert any(name.endswith("_step") for name in calls)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=2e-4, atol=2e-5)


# ------------------------------------------------ device= in loaders, training and files

def _data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((20, 3)).astype(np.float32), rng.integers(0, 2, 20)


def _trained(device):
    engine.manual_seed(0)
    model = nn.Linear(3, 2)
    history = engine.train.fit(model, F.cross_entropy, engine.optim.SGD(model.parameters(), 0.1),
                               _data(), epochs=2, batch_size=5, verbose=0, seed=1,
                               validation_data=_data(), device=device)
    return model, history


def test_device_cpu_is_accepted_everywhere_and_changes_nothing(tmp_path):
    x, y = _data()
    model, history = _trained("cpu")
    model_default, history_default = _trained(None)
    assert history.history == history_default.history
    np.testing.assert_array_equal(model.weight.numpy(), model_default.weight.numpy())
    logs = engine.train.evaluate(model, F.cross_entropy, (x, y), device="cpu")
    assert logs == engine.train.evaluate(model, F.cross_entropy, (x, y))
    np.testing.assert_array_equal(engine.train.predict(model, x, device=engine.device("cpu")),
                                  engine.train.predict(model, x))
    batch = next(iter(engine.data.DataLoader((x, y), 4, device="cpu", as_tensor=True)))
    assert batch[0].device == "cpu" and type(batch[1]) is np.ndarray
    engine.save({"w": model.weight, "n": 3}, tmp_path / "m.npz")
    loaded = engine.load(tmp_path / "m.npz", map_location="cpu")
    assert loaded["n"] == 3 and type(loaded["w"]) is np.ndarray
    np.testing.assert_array_equal(loaded["w"], model.weight.numpy())


@pytest.mark.skipif(engine.cuda.is_available(), reason="a GPU is present")
def test_device_cuda_without_a_gpu_fails_at_once_saying_why(tmp_path):
    x, y = _data()
    model = nn.Linear(3, 2)
    engine.save({"w": model.weight}, tmp_path / "m.npz")
    calls = [
        lambda: engine.data.DataLoader((x, y), 4, device="cuda"),
        lambda: engine.train.fit(model, F.cross_entropy, engine.optim.SGD(model.parameters(), 0.1),
                                 (x, y), verbose=0, device="cuda"),
        lambda: engine.train.evaluate(model, F.cross_entropy, (x, y), device="cuda"),
        lambda: engine.train.predict(model, x, device="cuda"),
        lambda: engine.load(tmp_path / "m.npz", map_location="cuda"),
    ]
    for call in calls:
        with pytest.raises(RuntimeError, match="cupy-cuda12x|no GPU"):
            call()
    assert type(model.weight.data) is np.ndarray
    with pytest.raises(ValueError, match="'cpu', 'cuda' or 'cuda:N'"):
        engine.data.DataLoader((x, y), 4, device="gpu")


def test_save_writes_host_arrays_even_for_gpu_data(tmp_path):
    engine.save({"w": gpu_tensor([1.0, 2.0])}, tmp_path / "g.npz")
    loaded = engine.load(tmp_path / "g.npz")
    assert type(loaded["w"]) is np.ndarray and loaded["w"].tolist() == [1.0, 2.0]


# ------------------------------------------------ what engine info says about a GPU

def _fake_cupy(count):
    """A module shaped like the parts of CuPy that engine.cuda and engine info read."""
    def device_count():
        if count is None:
            raise RuntimeError("cudaErrorNoDevice: no CUDA-capable device is detected")
        return count

    runtime = types.SimpleNamespace(
        getDeviceCount=device_count,
        getDeviceProperties=lambda i: {"name": b"Stand-in GPU", "totalGlobalMem": 80 * 2**30},
        runtimeGetVersion=lambda: 12040, driverGetVersion=lambda: 12080)
    return types.SimpleNamespace(__version__="13.9.0", cuda=types.SimpleNamespace(runtime=runtime))


def test_info_reports_the_gpu_its_memory_and_versions(monkeypatch):
    from engine import info
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(2))
    assert engine.cuda.is_available() and engine.cuda.device_count() == 2
    assert engine.cuda.why_unavailable() == ""
    facts = cuda.device_facts()
    assert facts == {"cupy": "13.9.0", "gpu": "Stand-in GPU", "gpu_count": 2,
                     "gpu_memory_gib": 80.0, "cuda_runtime": "12.4", "cuda_driver": "12.8"}
    text = info.report()
    assert "Stand-in GPU (80.0 GiB; 2 device(s))" in text
    assert "CuPy:           13.9.0 (CUDA runtime 12.4, driver 12.8)" in text
    assert "2 GPU(s): Stand-in GPU" in cuda.device_summary()


@pytest.mark.parametrize("count", [0, None])
def test_info_says_no_gpu_when_cupy_sees_none(monkeypatch, count):
    from engine import info
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(count))
    assert not engine.cuda.is_available() and engine.cuda.device_count() == 0
    assert cuda.device_facts() == {"cupy": "13.9.0", "gpu": "no GPU"}
    assert "no GPU" in info.report() and cuda.device_summary() == "CuPy 13.9.0, no GPU"
    with pytest.raises(RuntimeError, match="no GPU"):
        engine.tensor([1.0]).cuda()


def test_the_gpu_benchmarks_skip_in_one_line_without_a_gpu(monkeypatch):
    from engine.bench import gpu
    monkeypatch.setitem(sys.modules, "cupy", _fake_cupy(0))
    rows = gpu.run(quick=True)
    assert gpu.table(rows) == "gpu: skipped: no GPU: CuPy 13.9.0 sees no CUDA device"
    rows = [gpu._row("GEMM", "engine", 2e-3, 1e-3, "1.0 TFLOP/s")]
    assert "2.00x" in gpu.table(rows) and "2.000 ms" in gpu.table(rows)


# ------------------------------------------------ on a real GPU (skipped without one)

@pytest.mark.gpu
def test_gpu_tensors_move_compute_and_come_back():
    t = engine.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
    g = t.to("cuda")
    assert g.device == "cuda" and t.cuda().device == "cuda:0"
    assert backend.backend_of(g.data) is cuda
    y = (F.relu(g) @ g).sum()
    y.backward()                                     # the gradient comes back to the host
    assert type(t.grad.data) is np.ndarray
    with engine.using_backend("reference"):
        t_ref = engine.tensor([[1.0, -2.0], [3.0, 4.0]], requires_grad=True)
        (F.relu(t_ref) @ t_ref).sum().backward()
    np.testing.assert_allclose(t.grad.numpy(), t_ref.grad.numpy(), rtol=1e-6)
    with pytest.raises(TypeError, match=r"\.cpu\(\)"):
        g.numpy()
    np.testing.assert_array_equal(g.cpu().numpy(), t.numpy())
    with pytest.raises(devices.DeviceMismatch, match="cpu"):
        g + t


@pytest.mark.gpu
def test_a_lenet_step_on_the_gpu_matches_the_cpu(tmp_path):
    want = _lenet_steps(engine.optim.Adam, lr=1e-3)
    engine.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
                          nn.Linear(16 * 5 * 5, 10)).to("cuda")
    optimizer = engine.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 1, 28, 28)).astype(np.float32)
    loader = engine.data.DataLoader((x, np.array([1, 2, 3, 4])), 4, device="cuda",
                                    as_tensor=True)
    for _ in range(2):
        xb, yb = next(iter(loader))
        optimizer.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        optimizer.step()
    for got, w in zip(model.parameters(), want):
        np.testing.assert_allclose(got.cpu().numpy(), w, rtol=2e-4, atol=2e-5)
    engine.save(model.state_dict(), tmp_path / "m.npz")
    state = engine.load(tmp_path / "m.npz", map_location="cuda")
    assert all(cuda.is_cupy_array(v) for v in state.values() if getattr(v, "ndim", 0))


@pytest.mark.gpu
def test_fit_and_evaluate_on_the_gpu_match_the_cpu():
    model_cpu, history_cpu = _trained(None)
    model_gpu, history_gpu = _trained("cuda")
    assert model_gpu.weight.device == "cuda"
    np.testing.assert_allclose(model_gpu.weight.cpu().numpy(), model_cpu.weight.numpy(),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(history_gpu.history["loss"], history_cpu.history["loss"],
                               rtol=1e-4)


def _module_run(make, x_shape, seed=0):
    """A seeded layer's output and its parameters' gradients, for one random input."""
    engine.manual_seed(seed)
    layer = make()
    x = engine.tensor(np.random.default_rng(seed).standard_normal(x_shape), dtype=engine.float64)
    out = layer(x)
    out = out[0] if isinstance(out, tuple) else out
    (out * out).sum().backward()
    return [out.numpy()] + [p.grad.numpy() for p in layer.parameters()]


@pytest.mark.parametrize("make, x_shape", [
    (lambda: nn.BatchNorm2d(3, dtype=engine.float64), (4, 3, 5, 5)),
    (lambda: nn.LSTM(3, 4, num_layers=2, dtype=engine.float64), (5, 2, 3)),
    (lambda: nn.RNN(3, 4, dtype=engine.float64), (5, 2, 3)),
    (lambda: nn.Sequential(nn.Dropout(0.3), nn.Linear(3, 2, dtype=engine.float64)), (6, 3)),
    (lambda: nn.Sequential(nn.Conv1d(3, 4, 3, dtype=engine.float64),
                           nn.PReLU(4, dtype=engine.float64)), (2, 3, 8)),
], ids=["batchnorm2d", "lstm", "rnn", "dropout", "prelu"])
def test_layers_on_the_cuda_code_match_the_reference_backend(make, x_shape, monkeypatch):
    with engine.using_backend("reference"):
        want = _module_run(make, x_shape)
    use_cuda_code(monkeypatch)
    got = _module_run(make, x_shape)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-11)


def test_functional_batch_norm_and_summary_make_their_arrays_where_the_input_is():
    x = engine.tensor(np.ones((2, 3)))
    assert type(F.batch_norm(x, None, None, training=True).data) is np.ndarray
    assert "Linear" in nn.Sequential(nn.Linear(3, 2)).summary((1, 3))
