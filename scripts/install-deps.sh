#!/usr/bin/env bash
# Installs what msmisim needs to build and test on Debian 12, and nothing else.
# Idempotent and non-interactive: packages already present are left alone.
set -euo pipefail

packages=(g++ cmake ninja-build libsqlite3-dev sqlite3 qt6-base-dev nlohmann-json3-dev
          libboost-program-options-dev zlib1g-dev pkg-config libevt-dev libevtx-dev
          libbfio-dev libexpat1-dev libevt-utils libevtx-utils libssl-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
