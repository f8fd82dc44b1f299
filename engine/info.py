"""What ``python -m engine info`` prints: the build, the CPU, the kernels it chose, the GPU."""
import platform
import sys

import numpy as np

from . import backend
from ._version import __version__
from .backend import cuda as cuda_backend


def collect():
    """The facts as a dict (also what ``engine info --json`` prints)."""
    facts = {
        "engine": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": f"{platform.system()} {platform.machine()}",
        "backend": backend.get_backend(),
        "compiled_extension": backend.native_available(),
        "threads": backend.get_num_threads(),
    }
    if facts["compiled_extension"]:
        from . import _C
        from .backend.native import KERNEL_FAMILIES
        facts["openmp"] = _C.openmp_enabled()
        facts["cpu_features"] = sorted(k for k, v in _C.cpu_features().items() if v)
        facts["kernels"] = {family: _C.kernel_isa(family) for family in KERNEL_FAMILIES}
        facts["available_isas"] = _C.available_isas()
        from .backend.threads import CHOICE
        facts["threads_reason"] = CHOICE["reason"]
        facts["threads_adapting"] = _C.thread_adaptation()
        facts["openmp_wait"] = CHOICE["wait_policy"]
        facts["build"] = _C.build_info()
        facts["compiled_isas"] = {family: _C.compiled_isas(family) for family in KERNEL_FAMILIES}
    gpu_ok, gpu_reason = cuda_backend.available()
    facts["gpu_backend"] = "available" if gpu_ok else f"unavailable: {gpu_reason}"
    facts["cupy"] = cuda_backend.device_summary()
    facts["gpu"] = cuda_backend.device_facts()
    return facts


def report():
    """The facts as aligned text lines."""
    facts = collect()
    lines = [f"engine {facts['engine']}  (Python {facts['python']}, NumPy {facts['numpy']}, "
             f"{facts['platform']})",
             f"  backend:        {facts['backend']}"]
    if facts["compiled_extension"]:
        lines.append(f"  cpu features:   {' '.join(facts['cpu_features']) or '(baseline only)'}")
        build = facts["build"]
        lines.append(f"  built for:      {build['arch']} by {build['compiler']}, "
                     f"{'with OpenMP' if build['openmp'] else 'without OpenMP'}")
        lines.append(f"  instruction sets this CPU runs: {', '.join(facts['available_isas'])}")
        for family, isa in facts["kernels"].items():
            compiled = ", ".join(facts["compiled_isas"][family])
            lines.append(f"  {family + ':':15} {isa:8} (compiled: {compiled})")
        openmp = "OpenMP" if facts["openmp"] else "no OpenMP (single-threaded build)"
        lines.append(f"  threads:        {facts['threads']} ({openmp}); default chosen from "
                     f"{facts['threads_reason']}")
        team = facts["threads_adapting"]
        if team["adaptive"] and team["set"] > 1:
            lines.append(f"  busy cores:     using {team['in_use']} of {team['set']} threads "
                         f"now; the default follows the cores actually free (a parallel "
                         f"region slower than one thread fewer would be shrinks the team, "
                         f"a try now and then grows it back)")
        else:
            lines.append("  busy cores:     the thread count is fixed (set by the user, one "
                         "usable core, or a build without OpenMP)")
        lines.append(f"  OpenMP waiting: {facts['openmp_wait']}")
    else:
        lines.append("  compiled kernels: not built (engine._C missing); using NumPy only")
    gpu = facts["gpu"]
    if gpu["cupy"] == "no CuPy" or gpu["gpu"] == "no GPU":
        lines.append(f"  GPU:            {cuda_backend.available()[1]}")
    else:
        lines.append(f"  GPU:            {gpu['gpu']} ({gpu['gpu_memory_gib']} GiB; "
                     f"{gpu['gpu_count']} device(s)); cuda backend available")
        lines.append(f"  CuPy:           {gpu['cupy']} (CUDA runtime {gpu['cuda_runtime']}, "
                     f"driver {gpu['cuda_driver']})")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(report() + "\n")
