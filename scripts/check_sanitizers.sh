#!/usr/bin/env bash
# The kernel tests (tests/kernels, tests/backend) and a few training steps
# (scripts/train_small.py) against an extension built with AddressSanitizer and
# UndefinedBehaviorSanitizer (ENGINE_SANITIZE=1, see setup.py), in a clean copy of this
# checkout (tracked and new files, no build outputs).  Fails on any sanitizer report: an
# out-of-bounds read or write, a use after free, signed overflow, a misaligned access ...
#
# Python is not built with ASan, so the ASan runtime is preloaded (LD_PRELOAD) before it
# starts.  Leak checking is off: the interpreter frees little at exit, by design.
# allocator_may_return_null: a test that asks NumPy for an absurd array expects MemoryError,
# which ASan would otherwise turn into a report.  Extra arguments go to pytest.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC:-gcc}
command -v "$cc" >/dev/null || { echo "SKIP sanitizers: $cc not found"; exit 0; }
asan=$("$cc" -print-file-name=libasan.so)
[ -e "$asan" ] || { echo "SKIP sanitizers: $cc has no libasan.so (apt-get install libasan8)"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$repo"
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$work/src"
python -c "import Cython, setuptools" 2>/dev/null || python -m pip install --quiet "Cython>=3.0" "setuptools>=68"
cd "$work/src"
CC="$cc" ENGINE_SANITIZE=1 nice -n 10 python setup.py build_ext --inplace > build.log 2>&1 || { cat build.log; exit 1; }
grep "engine._C:" build.log

log="$work/sanitizer.log"
export LD_PRELOAD="$asan"
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=0:log_path=$log"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$log"
export PYTHONPATH="$work/src" ENGINE_REQUIRE_NATIVE=1
status=0
python scripts/train_small.py 3 || status=1
# (the two tests that start Python with an emptied environment cannot preload the runtime)
(cd tests && nice -n 10 python -m pytest -q -p no:cacheprovider kernels backend \
    -k "not without_a_usable_cupy" "$@") || status=1
unset LD_PRELOAD
# ASan and UBSan write one log file per process that had something to report
if compgen -G "$log*" >/dev/null; then
    cat "$log"*
    echo "FAIL: $(grep -c -E 'ERROR: AddressSanitizer|runtime error:' "$log"* | awk -F: '{s+=$NF} END {print s}') sanitizer report(s)"
    exit 1
fi
[ "$status" = 0 ] || { echo "FAIL: tests failed under the sanitizers"; exit 1; }
echo "OK: no AddressSanitizer or UndefinedBehaviorSanitizer report"
