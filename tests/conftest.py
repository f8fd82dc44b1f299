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
