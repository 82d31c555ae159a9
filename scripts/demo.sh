#!/usr/bin/env bash
# README command 1: install what is missing, build, and reproduce KB Q151791.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target msmisim
exec build/simulator/msmisim run scenarios/kb/Q151791.json "$@"
