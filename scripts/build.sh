#!/usr/bin/env bash
# Configures and builds msmisim into ./build (Ninja when present).
#   scripts/build.sh                      everything, tests included
#   scripts/build.sh --target msmisim     just the command line
#   scripts/build.sh -DMSMISIM_SANITIZE=ON   extra arguments go to CMake
#   scripts/build.sh -DMSMISIM_PGO=OFF       one compilation, no profile-guided optimisation
set -euo pipefail
cd "$(dirname "$0")/.."
target=()
if [ "${1:-}" = "--target" ]; then
  target=(--target "$2")
  shift 2
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ -f build/CMakeCache.txt ]; then
  cmake -S . -B build "$@" >/dev/null   # keep the generator the folder was made with
else
  cmake -S . -B build "${generator[@]}" "$@" >/dev/null
fi
cmake --build build --parallel "$(nproc)" "${target[@]}"
