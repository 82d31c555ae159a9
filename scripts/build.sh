#!/usr/bin/env bash
# Configures and builds msmisim into ./build (Ninja when present). Extra arguments go to CMake,
# e.g. scripts/build.sh -DMSMISIM_SANITIZE=ON
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ -f build/CMakeCache.txt ]; then
  cmake -S . -B build "$@" >/dev/null   # keep the generator the folder was made with
else
  cmake -S . -B build "${generator[@]}" "$@" >/dev/null
fi
cmake --build build --parallel "$(nproc)"
