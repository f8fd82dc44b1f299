"""Build script for engine's compiled core, the extension module engine._C.

engine._C = engine/_C.pyx with its engine/_*.pxi (Cython wrappers) + the plain C99 kernels of
csrc/, one folder per kernel family:
  csrc/common/      CPU features, threads, the instruction-set registry, vector math
  csrc/activation/  activations and softmax
  csrc/gemm/        matrix multiply
  csrc/conv/        im2col / col2im and pooling
  csrc/optim/       fused optimizer steps

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
ENGINE_SANITIZE=1     (GCC/clang, developers only) build with AddressSanitizer and
                      UndefinedBehaviorSanitizer instead of -O3: SANITIZE_FLAGS below, for
                      compiling and linking; scripts/check_sanitizers.sh runs the kernel
                      tests on such a build (Python must preload libasan, see that script).
No host-specific flags (no "march=native"): instruction-set specific code is compiled per file
(csrc/<family>/avx2.c, avx512.c, csrc/gemm/kernel_avx2.c, kernel_avx512.c: each sets its own
target, see csrc/common/target.h) and chosen at run time (csrc/common/isa.c), so the wheel
runs on any x86-64 CPU.

Sources by architecture: an instruction-set file is named after its instruction set (the last
"_"-separated part of its name: avx2.c, kernel_avx512.c, neon.c, winograd_avx2.c ...).  The
build compiles the generic files everywhere, plus the instruction-set files of the target
architecture (ARCH_ISAS): x86-64 the AVX2 and AVX-512 ones, aarch64 the NEON ones (NEON is in
every aarch64 CPU: no run-time check), any other architecture none.  With GCC and clang each
x86 instruction-set file also gets its target as flags (ISA_FLAGS): the pragma of target.h
covers the functions of the file, the flags also the loop bodies OpenMP moves into functions
of their own (clang gives those no target from the pragma).  A new source file needs no
change here: every .c file of a family folder is compiled.

Compilers: GCC or clang (Linux, macOS: Apple clang builds without OpenMP unless libomp is
found), MSVC on Windows (/openmp:llvm when it accepts our pragmas, else serial).  Without a
working C compiler the build stops with what to install (NO_COMPILER_HELP).

Metadata lives in pyproject.toml.
"""

import glob
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

try:
    from setuptools.errors import CompileError, ExecError, LinkError, PlatformError
except ImportError:  # older setuptools
    from distutils.errors import (CompileError, LinkError, DistutilsExecError as ExecError,
                                  DistutilsPlatformError as PlatformError)

import numpy
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


# MSVC: OpenMP only through its LLVM runtime (/openmp:llvm); its /openmp is OpenMP 2.0,
# too old for our `simd` and `if(parallel: ...)` clauses.
MSVC_OPENMP_PROBE = r"""
#include <omp.h>
int main(void)
{
    float a[64] = {0};
    long n = 64;
    #pragma omp parallel for simd schedule(static) num_threads(2) if(parallel: n > 1)
    for (long i = 0; i < n; i++)
        a[i] += 1.0f;
    return a[63] == 1.0f && omp_get_max_threads() > 0 ? 0 : 1;
}
"""

# ENGINE_SANITIZE=1: every out-of-bounds access, use after free, signed overflow, misaligned
# load or shift past the width in the C kernels (and the Cython wrappers) is reported.
# -O1 keeps it quick enough, the frame pointer and -g give readable stack traces, and
# -fno-sanitize-recover makes any UBSan finding stop the process (never a buried warning).
SANITIZE_FLAGS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined",
                  "-fno-omit-frame-pointer", "-O1", "-g"]

TRIVIAL_PROGRAM = "int main(void) { return 0; }\n"

NO_COMPILER_HELP = """
engine: no working C compiler was found, and engine's compiled core needs one to be built
from source.  Either install a binary wheel (pip install --only-binary engine engine: wheels
exist for Linux x86-64/aarch64, macOS arm64/x86-64 and Windows x64 with CPython 3.10-3.13),
or install a compiler:
  Linux (Debian/Ubuntu):  sudo apt install build-essential python3-dev
  Linux (Fedora/RHEL):    sudo dnf install gcc python3-devel
  macOS:                  xcode-select --install     (optional threads: brew install libomp)
  Windows:                "Build Tools for Visual Studio" with "Desktop development with C++"
                          (https://visualstudio.microsoft.com/visual-cpp-build-tools/)
Then run the install again.  (The compiler said: {error})
"""

# The target architecture, as ARCH_ISAS names it: from sysconfig, which follows a cross
# build's _PYTHON_HOST_PLATFORM (cibuildwheel's macOS arm64 build on an x86-64 runner).
def target_arch():
    platform = sysconfig.get_platform().lower()
    if platform.endswith(("x86_64", "amd64")):
        return "x86_64"
    if platform.endswith(("aarch64", "arm64")):
        return "aarch64"
    return platform.rsplit("-", 1)[-1]


# The instruction-set files each architecture compiles, and their GCC/clang flags.
ARCH_ISAS = {"x86_64": ("avx2", "avx512"), "aarch64": ("neon",)}
ISA_FLAGS = {
    "avx2": ["-mavx2", "-mfma"],
    "avx512": ["-mavx512f", "-mavx512dq", "-mavx512bw", "-mavx512vl", "-mavx2", "-mfma"],
    "neon": [],
}


def isa_of(path):
    """The instruction set of a source file ("avx2" for csrc/gemm/kernel_avx2.c), or None."""
    last = os.path.splitext(os.path.basename(path))[0].rsplit("_", 1)[-1]
    return last if last in ISA_FLAGS else None


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

    def _check_compiler(self):
        """Stop with NO_COMPILER_HELP unless the compiler builds a trivial program."""
        tmp = tempfile.mkdtemp(prefix="engine-probe-")
        try:
            src = os.path.join(tmp, "trivial.c")
            with open(src, "w") as f:
                f.write(TRIVIAL_PROGRAM)
            if self.compiler.compiler_type == "msvc" and not getattr(self.compiler, "initialized", True):
                self.compiler.initialize()
            self.compiler.compile([src], output_dir=tmp)
        except (CompileError, ExecError, PlatformError, OSError) as error:
            sys.exit(NO_COMPILER_HELP.format(error=str(error).strip() or type(error).__name__))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _openmp_flags(self):
        """(compile flags, link flags, what engine info says) for OpenMP, from probes."""
        if self.compiler.compiler_type == "msvc":
            if self._compiles_and_links(MSVC_OPENMP_PROBE, ["/openmp:llvm"]):
                return ["/openmp:llvm"], [], "openmp"
            return [], [], "serial"
        if self._compiles_and_links(OPENMP_PROBE, ["-fopenmp"]):
            return ["-fopenmp"], ["-fopenmp"], "openmp"
        # Apple clang: no -fopenmp driver flag, but it takes OpenMP pragmas with libomp
        # (Homebrew's keg, or a prefix given in ENGINE_LIBOMP_PREFIX)
        for prefix in self._libomp_prefixes():
            inc, lib = os.path.join(prefix, "include"), os.path.join(prefix, "lib")
            compile_flags = ["-Xpreprocessor", "-fopenmp", f"-I{inc}"]
            link_flags = [f"-L{lib}", "-lomp", f"-Wl,-rpath,{lib}"]
            if self._compiles_and_links(OPENMP_PROBE, compile_flags + link_flags):
                return compile_flags, link_flags, "openmp"
        if self._compiles_and_links(SIMD_PROBE, ["-fopenmp-simd"]):
            return ["-fopenmp-simd"], [], "serial"
        return [], [], "serial"

    @staticmethod
    def _libomp_prefixes():
        prefixes = [os.environ.get("ENGINE_LIBOMP_PREFIX", "")]
        if sys.platform == "darwin":
            try:
                prefixes.append(subprocess.run(["brew", "--prefix", "libomp"], text=True,
                                               capture_output=True, check=True).stdout.strip())
            except (OSError, subprocess.CalledProcessError):
                pass
            prefixes += ["/opt/homebrew/opt/libomp", "/usr/local/opt/libomp"]
        return [p for p in prefixes if p and os.path.isdir(p)]

    def _add_isa_flags(self):
        """With GCC/clang, compile each x86 instruction-set file with its target's flags, and
        the C of csrc/ without the -fwrapv of Python's own flags (clang then leaves the
        OpenMP simd loops of ptrdiff_t i scalar; the kernels never rely on signed overflow)."""
        compile_one = self.compiler._compile

        def compile_with_isa(obj, src, ext, cc_args, extra_postargs, pp_opts):
            isa = isa_of(src)
            extra = list(extra_postargs or []) + (ISA_FLAGS[isa] if isa else [])
            if os.path.normpath(src).startswith("csrc" + os.sep):
                extra.append("-fno-wrapv")
            return compile_one(obj, src, ext, cc_args, extra, pp_opts)

        self.compiler._compile = compile_with_isa

    def build_extensions(self):
        self._check_compiler()
        want_omp = os.environ.get("ENGINE_DISABLE_OPENMP", "") in ("", "0")
        if self.compiler.compiler_type == "msvc":
            # C11 mode: _Pragma, restrict and designated initialisers; fast contraction = FMA
            compile_args, link_args = ["/O2", "/std:c11", "/fp:contract"], []
        else:
            compile_args = ["-O3", "-std=c99", "-fno-trapping-math", "-ffp-contract=fast"]
            # sqrt without errno, so gcc vectorises it (Adam's √v); no kernel reads errno,
            # and sqrt's result is the same correctly rounded value.
            compile_args.append("-fno-math-errno")
            link_args = []
            if hasattr(self.compiler, "_compile"):
                self._add_isa_flags()
        if os.environ.get("ENGINE_SANITIZE", "") not in ("", "0"):
            if self.compiler.compiler_type == "msvc":
                sys.exit("ENGINE_SANITIZE=1 needs GCC or clang")
            compile_args = [a for a in compile_args if not a.startswith("-O")] + SANITIZE_FLAGS
            link_args = link_args + SANITIZE_FLAGS
        omp_compile, omp_link, threading = [], [], "serial"
        if want_omp:
            omp_compile, omp_link, threading = self._openmp_flags()
        elif self.compiler.compiler_type != "msvc" and self._compiles_and_links(
                SIMD_PROBE, ["-fopenmp-simd"]):
            omp_compile = ["-fopenmp-simd"]
        compile_args += omp_compile
        link_args += omp_link
        print(f"engine._C: {target_arch()} build, instruction sets "
              f"{', '.join(('generic',) + ARCH_ISAS.get(target_arch(), ()))}; {threading}; "
              f"compile flags {compile_args}, link flags {link_args}")
        for ext in self.extensions:
            ext.extra_compile_args = list(ext.extra_compile_args or []) + compile_args
            ext.extra_link_args = list(ext.extra_link_args or []) + link_args
        super().build_extensions()


# The kernel families, one folder of csrc/ each; every .c file in them is compiled once.
FAMILIES = ("common", "activation", "gemm", "conv", "optim")


def family_files(pattern):
    return [path for family in FAMILIES
            for path in sorted(glob.glob(os.path.join("csrc", family, pattern)))]


def sources_for(arch):
    """The .c files this architecture compiles: the generic ones and its instruction sets'."""
    return [path for path in family_files("*.c")
            if isa_of(path) is None or isa_of(path) in ARCH_ISAS.get(arch, ())]


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
    sources=["engine/_C.pyx"] + sources_for(target_arch()),
    # csrc: the sources include each other as "family/file.h"; NumPy's headers: _gemm.pxi
    # makes its result arrays through NumPy's C API (numpy is a build requirement already)
    include_dirs=["csrc", numpy.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    depends=family_files("*.h") + sorted(glob.glob(os.path.join("engine", "_*.pxi"))),
    libraries=[] if os.name == "nt" else ["m"],
)

setup(
    ext_modules=cythonize([extension], compiler_directives=CYTHON_DIRECTIVES),
    cmdclass={"build_ext": BuildExt, "build_py": BuildPy},
)
