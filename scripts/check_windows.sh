#!/usr/bin/env bash
# Windows compile check of csrc/ on Linux: every .c file compiled for x86-64 Windows by
# mingw-w64 (Debian package mingw-w64) with -Wall -Wextra -Werror, OpenMP pragmas on.  This
# checks the C for Windows (LLP64: long is 32 bits there; no POSIX headers); it links nothing
# and is not MSVC (the release wheels are built with MSVC by cibuildwheel).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cc=${MINGW_CC:-x86_64-w64-mingw32-gcc}
command -v "$cc" >/dev/null || { echo "SKIP Windows check: $cc not found (apt-get install mingw-w64)"; exit 0; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$repo"
flags=(-O2 -std=c99 -fno-trapping-math -ffp-contract=fast -fno-math-errno -fopenmp -Wall -Wextra -Werror -Icsrc)
n=0
for src in csrc/*/*.c; do
    obj=${src//\//_}
    "$cc" "${flags[@]}" -c "$src" -o "$out/${obj%.c}.o"
    n=$((n + 1))
done
echo "Windows (x86-64, $cc $("$cc" -dumpversion)): $n files of csrc/ compile with no warnings"
