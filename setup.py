"""Build script for engine's compiled core, the extension module engine._C.

engine._C = engine/_C.pyx (Cython wrappers) + csrc/*.c (plain C99 kernels).

Compiler flags:
  -O3                 optimise and auto-vectorise
  -std=c99            the C sources are plain C99
  -fno-trapping-math  lets GCC turn `cond ? a : b` on floats into vector
                      blends (it does not change any result; it only says we
                      never inspect floating-point exception flags)
  -ffp-contract=fast  allow fused multiply-add (the AVX2/AVX-512 kernels use
                      FMA; GCC's default outside strict ISO mode anyway)
  -fopenmp            only if a probe shows the compiler and linker accept it;
                      otherwise -fopenmp-simd (just the `omp simd` hints) if
                      that works, otherwise nothing: the code is then serial.
                      Set ENGINE_DISABLE_OPENMP=1 to build without threads.
No host-specific flags (no "march=native"): instruction-set specific code is compiled per file
(csrc/*_avx2.c, csrc/*_avx512.c, csrc/gemm/kernel_*.c) and chosen at run time,
so the wheel runs on any x86-64 CPU.

Metadata lives in pyproject.toml.
"""

import glob
import os
import shutil
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

try:
    from setuptools.errors import CompileError, LinkError
except ImportError:  # older setuptools
    from distutils.errors import CompileError, LinkError

from Cython.Build import cythonize

CYTHON_DIRECTIVES = {
    "language_level": 3,
    "boundscheck": False,
    "wraparound": False,
    "cdivision": True,
    "initializedcheck": False,
}

OPENMP_PROBE = r"""
#include <omp.h>
int main(void)
{
    int n = 0;
    #pragma omp parallel reduction(+:n)
    n += 1;
    return n > 0 && omp_get_max_threads() > 0 ? 0 : 1;
}
"""

SIMD_PROBE = r"""
int main(void)
{
    float a[8] = {0};
    #pragma omp simd
    for (int i = 0; i < 8; i++)
        a[i] += 1.0f;
    return a[0] == 1.0f ? 0 : 1;
}
"""


class BuildExt(build_ext):
    """build_ext that picks compiler flags after probing the compiler."""

    def _compiles_and_links(self, code, flags):
        """True if `code` compiles and links with `flags` (compile and link)."""
        tmp = tempfile.mkdtemp(prefix="engine-probe-")
        try:
            src = os.path.join(tmp, "probe.c")
            with open(src, "w") as f:
                f.write(code)
            objs = self.compiler.compile([src], output_dir=tmp, extra_postargs=flags)
            self.compiler.link_executable(objs, "probe", output_dir=tmp, extra_postargs=flags)
            return True
        except (CompileError, LinkError):
            return False
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def build_extensions(self):
        want_omp = os.environ.get("ENGINE_DISABLE_OPENMP", "") in ("", "0")
        if self.compiler.compiler_type == "msvc":
            # MSVC's /openmp is OpenMP 2.0, too old for our `simd` and
            # `if(parallel: ...)` clauses: build serially there.
            compile_args, link_args = ["/O2"], []
        else:
            compile_args = ["-O3", "-std=c99", "-fno-trapping-math", "-ffp-contract=fast"]
            # sqrt without errno, so gcc vectorises it (Adam's √v); no kernel reads errno,
            # and sqrt's result is the same correctly rounded value.
            compile_args.append("-fno-math-errno")
            link_args = []
            if want_omp and self._compiles_and_links(OPENMP_PROBE, ["-fopenmp"]):
                compile_args.append("-fopenmp")
                link_args.append("-fopenmp")
            elif self._compiles_and_links(SIMD_PROBE, ["-fopenmp-simd"]):
                compile_args.append("-fopenmp-simd")
        print(f"engine._C: compile flags {compile_args}, link flags {link_args}")
        for ext in self.extensions:
            ext.extra_compile_args = list(ext.extra_compile_args or []) + compile_args
            ext.extra_link_args = list(ext.extra_link_args or []) + link_args
        super().build_extensions()


class BuildPy(build_py):
    """build_py that also installs the teaching scripts, examples/*.py, as engine/examples/.

    The course's units (`engine units run N`) then run from an installed wheel, where the
    repository's examples/ folder is not there."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "engine", "examples")
        os.makedirs(target, exist_ok=True)
        for path in sorted(glob.glob(os.path.join("examples", "*.py"))):
            self.copy_file(path, os.path.join(target, os.path.basename(path)))


extension = Extension(
    "engine._C",
    sources=["engine/_C.pyx"] + sorted(glob.glob(os.path.join("csrc", "**", "*.c"), recursive=True)),
    include_dirs=["csrc"],
    depends=sorted(glob.glob(os.path.join("csrc", "**", "*.h"), recursive=True)),  # rebuild on header change
    libraries=[] if os.name == "nt" else ["m"],
)

setup(
    ext_modules=cythonize([extension], compiler_directives=CYTHON_DIRECTIVES),
    cmdclass={"build_ext": BuildExt, "build_py": BuildPy},
)
