#!/usr/bin/env bash
# csrc/ compiles without a warning at -Wall -Wextra with gcc and with clang (each one found),
# with OpenMP and without it (a serial build: what Apple clang gives without libomp), with
# the flags setup.py uses on this architecture (x86 instruction-set files get their -m flags;
# Python's own -fwrapv comes first and setup.py's -fno-wrapv undoes it for csrc/).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$repo"
base=(-fwrapv -O3 -std=c99 -fno-trapping-math -ffp-contract=fast -fno-math-errno -Wall -Wextra -Werror -Icsrc)
arch=$(uname -m)
checked=0
for cc in gcc clang; do
    if ! command -v "$cc" >/dev/null; then
        echo "SKIP warnings check with $cc: not installed"
        continue
    fi
    for omp in -fopenmp -fopenmp-simd; do
        n=0
        for src in csrc/*/*.c; do
            isa=$(basename "$src" .c); isa=${isa##*_}
            extra=()
            case "$isa" in
                avx2) [ "$arch" = x86_64 ] || continue; extra=(-mavx2 -mfma) ;;
                avx512) [ "$arch" = x86_64 ] || continue
                        extra=(-mavx512f -mavx512dq -mavx512bw -mavx512vl -mavx2 -mfma) ;;
                neon) [ "$arch" = aarch64 ] || continue ;;
            esac
            obj=${src//\//_}
            "$cc" "${base[@]}" "$omp" "${extra[@]}" -fno-wrapv -c "$src" -o "$out/${obj%.c}.o"
            n=$((n + 1))
        done
        echo "$cc $("$cc" -dumpversion) $omp: $n files of csrc/, no warnings"
        checked=$((checked + 1))
    done
done
[ "$checked" -gt 0 ] || { echo "no C compiler found"; exit 1; }
