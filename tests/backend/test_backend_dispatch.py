"""The one dispatch rule: every backend offers the same kernels, a missing one says so, and
the ops compute through the backend of their inputs."""
import inspect
import pathlib

import numpy as np
import pytest

import engine
from engine import backend
from engine.backend import cuda, reference
from engine.backend.kernel_set import FAMILIES, MissingKernel
from engine.nn import functional as F

native = pytest.importorskip("engine.backend.native")
# the cuda backend's code, with NumPy standing in for CuPy (the same kernels and files)
cuda_on_numpy = cuda.make_backend(np)
BACKENDS = [reference, native, cuda_on_numpy]


@pytest.mark.parametrize("kernels", BACKENDS, ids=lambda b: b.name)
def test_every_backend_offers_the_reference_kernels(kernels):
    assert kernels.__all__ == reference.__all__
    for name in reference.__all__:
        assert callable(getattr(kernels, name)), name


@pytest.mark.parametrize("kernels", BACKENDS, ids=lambda b: b.name)
def test_every_backend_has_the_same_family_files(kernels):
    package = cuda if kernels is cuda_on_numpy else kernels
    folder = pathlib.Path(package.__file__).parent
    assert {p.stem for p in folder.glob("*.py")} == {"__init__", *FAMILIES}
    assert kernels.xp is np


@pytest.mark.parametrize("kernels", [native, cuda_on_numpy], ids=lambda b: b.name)
def test_kernels_keep_their_reference_signatures(kernels):
    # the elementwise ones are made from their twins: one list, in reference/activation.py
    assert set(reference.activation.ELEMENTWISE) >= {"relu", "sigmoid", "tanh"}
    assert cuda.__all__ == reference.__all__
    for name in reference.__all__:
        assert inspect.signature(getattr(kernels, name)) == \
            inspect.signature(getattr(reference, name)), name


def test_generated_native_wrappers_take_their_setting_by_position_or_name():
    x = np.array([-2.0, 3.0])
    for call in (lambda k: k.leaky_relu(x, 0.5), lambda k: k.leaky_relu(x, negative_slope=0.5)):
        np.testing.assert_array_equal(call(native), call(reference))
    np.testing.assert_array_equal(native.elu_backward(x, np.ones(2), alpha=2.0),
                                  reference.elu_backward(x, np.ones(2), alpha=2.0))
    with pytest.raises(TypeError, match="negative_slope"):
        native.leaky_relu(x, slope=0.5)


@pytest.mark.parametrize("kernels", [reference, native, cuda, cuda_on_numpy],
                         ids=["reference", "native", "cuda", "cuda-on-numpy"])
def test_a_missing_kernel_raises_a_clear_error(kernels):
    with pytest.raises(MissingKernel, match=f"the {kernels.name} backend has no kernel 'swish'"):
        kernels.swish(np.ones(2))
    with pytest.raises(NotImplementedError):     # also an AttributeError: not hasattr-able
        kernels.swish_backward


def test_the_cuda_backend_without_cupy_says_what_to_install():
    if engine.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(cuda.CudaUnavailable, match="cupy-cuda12x|no GPU"):
        cuda.relu(np.ones(2))
    with pytest.raises(RuntimeError):
        cuda.xp


def test_backend_of_picks_the_active_cpu_backend():
    for name, kernels in (("reference", reference), ("native", native)):
        with engine.using_backend(name):
            assert backend.backend_of(np.ones(2)) is kernels
            assert backend.kernels_for(np.ones(2)) is kernels


@pytest.mark.parametrize("name", ["reference", "native"])
def test_ops_compute_through_the_backend_of_their_inputs(name, monkeypatch):
    calls = []
    kernels = reference if name == "reference" else native
    for kernel in ("relu", "gemm", "log_softmax", "softplus", "sigmoid"):
        original = getattr(kernels, kernel)
        monkeypatch.setattr(kernels, kernel, lambda *a, _k=kernel, _f=original, **kw:
                            calls.append(_k) or _f(*a, **kw))
    x = engine.tensor(np.random.default_rng(0).standard_normal((4, 3)), requires_grad=True)
    with engine.using_backend(name):
        loss = F.cross_entropy(F.relu(x) @ engine.tensor(np.eye(3)), np.array([0, 1, 2, 0]))
        loss = loss + F.binary_cross_entropy_with_logits(x, engine.tensor(np.ones((4, 3))))
        loss.backward()
    assert {"relu", "gemm", "log_softmax", "softplus", "sigmoid"} <= set(calls)


def test_ops_follow_the_rule_in_their_source():
    ops = pathlib.Path(engine.__file__).parent / "ops"
    for path in ops.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for forbidden in ("hasattr(", "get_array_module", "kernels_for"):
            assert forbidden not in text, f"{path.name} uses {forbidden}"
