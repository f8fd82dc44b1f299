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
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work"
python -c "import Cython, setuptools" 2>/dev/null || python -m pip install --quiet "Cython>=3.0" "setuptools>=68"
cd "$work"
CC="$cc" nice -n 10 python setup.py build_ext --inplace -q 2>&1 | grep -E "engine._C:|error|warning" || true
ls engine/_C*.so >/dev/null
PYTHONPATH="$work" python -c "import engine._C as C; print('built:', C.build_info(), C.available_isas())"
cd tests
PYTHONPATH="$work" ENGINE_REQUIRE_NATIVE=1 nice -n 10 python -m pytest -q -p no:cacheprovider "$@"
