#!/usr/bin/env bash
# The aarch64 build of csrc/ and its NEON kernels against their portable twins, on an x86-64
# machine: cross-compiled with Debian's aarch64-linux-gnu-gcc (package gcc-aarch64-linux-gnu)
# and run under qemu-aarch64 (package qemu-user).  The sources are the ones setup.py
# compiles on aarch64: every .c file of csrc/ but the x86 instruction-set files (*avx2*,
# *avx512*).  -Wall -Wextra -Werror: the aarch64 build is warning-free too.
# qemu emulates: it says nothing about speed, so nothing here is timed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}
for tool in "$cc" qemu-aarch64; do
    command -v "$tool" >/dev/null || { echo "SKIP aarch64 check: $tool not found" \
        "(apt-get install gcc-aarch64-linux-gnu qemu-user)"; exit 0; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$repo"
mapfile -t sources < <(ls csrc/*/*.c | grep -Ev '(/|_)avx(2|512)\.c$')
flags=(-O3 -std=c99 -fno-trapping-math -ffp-contract=fast -fno-math-errno -Wall -Wextra -Werror -Icsrc)
if echo 'int main(void){return 0;}' | "$cc" -fopenmp -x c - -o "$out/omp" 2>/dev/null; then
    flags+=(-fopenmp)
else
    flags+=(-fopenmp-simd)
fi
echo "== $cc ${flags[*]}: ${#sources[@]} files + scripts/neon_check.c"
# the driver at -O1: its speed does not matter, and gcc 12's vectoriser fails on it at -O3
for src in "${sources[@]}"; do
    obj=${src//\//_}                                  # csrc/gemm/gemm.c -> csrc_gemm_gemm.c
    "$cc" "${flags[@]}" -c "$src" -o "$out/${obj%.c}.o"
done
"$cc" "${flags[@]/-O3/-O1}" "$out"/*.o scripts/neon_check.c -lm -o "$out/neon_check"
OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/neon_check"
