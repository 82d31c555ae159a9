#!/usr/bin/env bash
# Installs what msmisim needs to build and test on Debian 12, and nothing else.
# Idempotent and non-interactive: packages already present are left alone.
set -euo pipefail

packages=(g++ cmake ninja-build libsqlite3-dev sqlite3 qt6-base-dev nlohmann-json3-dev
          libboost-program-options-dev zlib1g-dev libdeflate-dev pkg-config libevt-dev libevtx-dev
          libbfio-dev libexpat1-dev libevt-utils libevtx-utils libssl-dev
          libmimalloc-dev robin-map-dev)

# Wanted, not required: the browser the HTML report's test renders pages in. When it cannot be
# installed (no Debian mirror, an architecture without it) the build goes on and that test says
# it was skipped and why.
optional=(chromium)

missing_from() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
mapfile -t missing < <(missing_from "${packages[@]}")
mapfile -t missing_optional < <(missing_from "${optional[@]}")
if [ ${#missing[@]} -eq 0 ] && [ ${#missing_optional[@]} -eq 0 ]; then
  echo "install-deps: all $(( ${#packages[@]} + ${#optional[@]} )) packages present"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ ${#missing_optional[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing_optional[*]} (optional: the HTML report's browser test)"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing_optional[@]}" ||
    echo "install-deps: could not install ${missing_optional[*]}; the browser test will be skipped"
fi
