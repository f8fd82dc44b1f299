"""Shared pytest configuration."""
import os

import pytest
from hypothesis import settings

# A moderate number of examples and no per-example deadline (the first call
# of an op can be slow while NumPy warms up; timing is not what we test).
settings.register_profile("ci", max_examples=60, deadline=None)
settings.load_profile("ci")


def pytest_report_header(config):
    import engine
    return (f"engine {engine.__version__} from {os.path.dirname(engine.__file__)}; "
            f"backend {engine.get_backend()}")


def pytest_sessionstart(session):
    # CI sets ENGINE_REQUIRE_NATIVE=1: testing the NumPy fallback by accident (an import of the
    # source tree instead of the installed, compiled package) must fail loudly, not pass.
    import engine
    if os.environ.get("ENGINE_REQUIRE_NATIVE") == "1" and not engine.backend.native_available():
        raise pytest.UsageError("ENGINE_REQUIRE_NATIVE=1 but engine._C did not import "
                                f"(engine was imported from {engine.__file__})")


def _available_isas():
    try:
        from engine import _C
    except ImportError:
        return []
    return _C.available_isas()


@pytest.fixture(params=_available_isas() or
                [pytest.param(None, marks=pytest.mark.skip(reason="engine._C not built"))])
def isa(request):
    """Run a test once per instruction set this CPU runs, every kernel family forced to it."""
    from engine import _C
    from engine.backend.native import KERNEL_FAMILIES
    before = {family: _C.kernel_isa(family) for family in KERNEL_FAMILIES}
    for family in KERNEL_FAMILIES:
        if request.param in _C.compiled_isas(family):     # NEON: gemm and activations only
            _C.set_kernel_isa(family, request.param)
    yield request.param
    for family, isa_name in before.items():
        _C.set_kernel_isa(family, isa_name)


# ----------------------------------------------------------------- the GPU backend
# ``@pytest.mark.gpu`` marks a test that needs a real GPU (CuPy importable and a CUDA device
# present); without one it is skipped with the reason. The cuda backend's array-module code
# runs everywhere else with NumPy standing in for CuPy (the ``cuda_kernels`` fixture).

def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: needs a GPU (CuPy and a CUDA device); skipped "
                                       "with the reason when there is none")


def pytest_collection_modifyitems(config, items):
    from engine.backend import cuda
    ok, reason = cuda.available()
    if ok:
        return
    skip = pytest.mark.skip(reason=f"needs a GPU: {reason}")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


class ArraySide:
    """The cuda backend on one array module, with the two conversions a test needs:
    ``put`` (a NumPy array onto that module's device) and ``get`` (back to NumPy)."""

    def __init__(self, xp):
        from engine.backend import cuda
        self.xp = xp
        self.kernels = cuda.make_backend(xp)

    def put(self, a):
        return a if a is None else self.xp.asarray(a)

    def get(self, a):
        return a.get() if hasattr(a, "get") and not isinstance(a, dict) else a


def _cupy_side():
    import cupy
    return ArraySide(cupy)


@pytest.fixture(scope="session", params=[
    "numpy-standin", pytest.param("cupy", marks=pytest.mark.gpu)])
def cuda_kernels(request):
    """The cuda backend built on NumPy (standing in for CuPy: runs in CI) and on CuPy (GPU)."""
    import numpy as np
    return ArraySide(np) if request.param == "numpy-standin" else _cupy_side()
