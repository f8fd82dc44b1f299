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
