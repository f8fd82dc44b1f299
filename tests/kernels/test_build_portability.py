"""What the build compiled for this machine, and what `engine info` says about it."""
import platform

import pytest

_C = pytest.importorskip("engine._C")

from engine import info  # noqa: E402
from engine.backend.native import KERNEL_FAMILIES  # noqa: E402

ARCH = {"x86_64": "x86-64", "amd64": "x86-64", "aarch64": "aarch64", "arm64": "aarch64"}


def test_build_info_names_this_architecture_and_a_compiler():
    build = _C.build_info()
    assert build["arch"] == ARCH.get(platform.machine().lower(), "other")
    assert build["compiler"].split()[0] in ("gcc", "clang", "msvc", "unknown")
    assert build["openmp"] == _C.openmp_enabled()


def test_compiled_isas_follow_the_architecture():
    build = _C.build_info()
    for family in KERNEL_FAMILIES:
        compiled = _C.compiled_isas(family)
        assert compiled[0] == "generic"
        available = [isa for isa in _C.available_isas() if isa in compiled]
        assert _C.kernel_isa(family) in available
        if build["arch"] == "x86-64" and not build["compiler"].startswith("msvc"):
            assert compiled == ["generic", "avx2", "avx512"]
        elif build["arch"] == "aarch64":
            assert compiled == (["generic", "neon"] if family in ("gemm", "activations")
                                else ["generic"])
        else:
            assert compiled == ["generic"]


def test_isas_this_build_lacks_cannot_be_chosen():
    lacking = [isa for isa in ("avx2", "avx512", "neon") if isa not in _C.compiled_isas("gemm")]
    assert lacking                       # no build has both the x86 and the ARM kernels
    for isa in lacking:
        with pytest.raises(ValueError, match=isa):
            _C.set_kernel_isa("gemm", isa)


def test_engine_info_reports_build_and_compiled_kernels():
    text = info.report()
    build = _C.build_info()
    assert f"built for:      {build['arch']} by {build['compiler']}" in text
    for family in KERNEL_FAMILIES:
        assert f"(compiled: {', '.join(_C.compiled_isas(family))})" in text
    facts = info.collect()
    assert facts["build"] == build
    assert set(facts["compiled_isas"]) == set(KERNEL_FAMILIES)
