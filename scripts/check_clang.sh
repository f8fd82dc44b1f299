#!/usr/bin/env bash
# The whole test suite against an extension built by clang (Debian package clang; libomp-dev
# for its OpenMP), in a clean copy of this checkout (tracked and new files, no build
# outputs).  Runs with the current python, which needs the test extras, NumPy, Cython and
# setuptools (installed here when missing).  Extra arguments go to pytest.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cc=${CLANG:-clang}
command -v "$cc" >/dev/null || { echo "SKIP clang suite: $cc not found (apt-get install clang libomp-dev)"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work/src"
# the project's shared/ folder (data sets) beside the copy, as beside this checkout
[ -d "$repo/../shared" ] && ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
python -c "import Cython, setuptools" 2>/dev/null || python -m pip install --quiet "Cython>=3.0" "setuptools>=68"
cd "$work/src"
CC="$cc" nice -n 10 python setup.py build_ext --inplace > build.log 2>&1 || { cat build.log; exit 1; }
grep "engine._C:" build.log
# csrc/ builds without a warning (Cython's generated engine/_C.c is not ours to fix)
if grep "warning:" build.log | grep -q "csrc/"; then
    grep "warning:" build.log | grep "csrc/" | sort | uniq -c
    echo "FAIL: clang warns on csrc/"
    exit 1
fi
PYTHONPATH="$work/src" python -c "import engine._C as C; print('built:', C.build_info(), C.available_isas())"
cd tests
PYTHONPATH="$work/src" ENGINE_REQUIRE_NATIVE=1 nice -n 10 python -m pytest -q -p no:cacheprovider "$@"
