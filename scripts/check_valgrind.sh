#!/usr/bin/env bash
# Valgrind memcheck of a few training steps (scripts/train_small.py: an MLP and a CNN, float32
# and float64, 1 and 2 threads) against this checkout's built extension, once per instruction
# set valgrind can run (generic and AVX2: valgrind has no AVX-512).  Fails on any error:
# an invalid read or write, a jump on uninitialised memory, a bad free.  Leaks are not
# errors here (the interpreter keeps its objects at exit); PYTHONMALLOC=malloc makes Python's
# own allocations visible to memcheck instead of hiding them in its arenas.  The interpreter's
# own uninitialised-value reports are suppressed (scripts/valgrind-python.supp says why).
# Build first: python setup.py build_ext --inplace.  Takes a few minutes; not run by CI.
# Extra arguments go to valgrind.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "SKIP valgrind: not installed (apt-get install valgrind)"; exit 0; }
cd "$repo"
# the interpreter itself, not a wrapper script (pyenv's shims are shell scripts)
python=$(python -c "import sys; print(sys.executable)")
status=0
for isa in generic avx2; do
    echo "== ENGINE_ISA=$isa"
    log=$(mktemp)
    ENGINE_ISA=$isa PYTHONPATH="$repo" PYTHONMALLOC=malloc valgrind --tool=memcheck \
        --error-exitcode=1 --errors-for-leak-kinds=none --leak-check=no --track-origins=yes \
        --num-callers=30 --suppressions="$repo/scripts/valgrind-python.supp" --log-file="$log" \
        "$@" "$python" scripts/train_small.py 2 || status=1
    grep -E "ERROR SUMMARY" "$log" || true
    if ! grep -q "ERROR SUMMARY: 0 errors" "$log"; then
        grep -v "^==[0-9]*== *by 0x" "$log" | head -300   # each report with its innermost frame
        status=1
    fi
    rm -f "$log"
done
[ "$status" = 0 ] && echo "OK: valgrind memcheck found no error" || echo "FAIL: valgrind memcheck"
exit "$status"
