#!/usr/bin/env bash
# Runs msmisim's fuzz targets under libFuzzer (clang, AddressSanitizer, UndefinedBehaviorSanitizer).
#   scripts/fuzz.sh [--seconds N] [--update-corpus] [TARGET...]
# Each target (all when none is named; `scripts/fuzz.sh --list` names them) runs for N seconds
# (default 60) from the committed corpus (tests/fuzz/corpus/TARGET) and the seeds msmisim's own
# encoders and writers make. Prints, per target, the executions, their rate, the corpus size and
# the findings; a finding (crash, leak, timeout, sanitizer report) is kept as
# build-fuzz/findings/TARGET-* with the command that replays it. --update-corpus merges the inputs
# that reached new code into tests/fuzz/corpus (commit them: tst_fuzz_corpora replays that folder,
# and tests/fuzz/regressions, in every test run).
# Exit status: 0 no findings, 1 findings, 2 bad arguments or the build failed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
update=0
list=0
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --update-corpus) update=1; shift ;;
    --list) list=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: --seconds wants a whole number, not '$seconds'" >&2; exit 2 ;; esac

# clang and libFuzzer's runtime, from Debian, when missing.
need=()
command -v clang++ >/dev/null || need+=(clang)
dpkg-query -W -f='${Status}' libclang-rt-14-dev 2>/dev/null | grep -q "install ok installed" ||
  need+=(libclang-rt-14-dev)
if [ ${#need[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "fuzz.sh: installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

build=build-fuzz
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMSMISIM_FUZZ=ON -DMSMISIM_BUILD_TESTS=OFF >/dev/null || exit 2
fi
cmake --build "$build" --parallel "$(nproc)" --target fuzz_msmisim fuzz_make_seeds || exit 2
fuzzer="$build/tests/fuzz/fuzz_msmisim"

mapfile -t all < <(MSMISIM_FUZZ_TARGET=list "$fuzzer")
if [ "$list" -eq 1 ]; then printf '%s\n' "${all[@]}"; exit 0; fi
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  printf '%s\n' "${all[@]}" | grep -qx "$t" || { echo "fuzz.sh: no target '$t' (--list names them)" >&2; exit 2; }
done

# Leaks inside libevtx on corrupt records are that library's (tests/fuzz/lsan.supp says which).
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
rm -rf "$build/seeds"
"$build/tests/fuzz/fuzz_make_seeds" . "$build/seeds" >/dev/null
mkdir -p "$build/findings" "$build/logs"
findings=0
printf '%-16s %12s %10s %8s %9s\n' target executions "per s" corpus findings
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  mkdir -p "$work" "tests/fuzz/corpus/$t"
  before=$(ls "$build/findings" | grep -c "^$t-" || true)
  log="$build/logs/$t.log"
  MSMISIM_FUZZ_TARGET="$t" "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=262144 -print_final_stats=1 -artifact_prefix="$build/findings/$t-" \
    "$work" "tests/fuzz/corpus/$t" "$build/seeds/$t" >"$log" 2>&1 || true
  after=$(ls "$build/findings" | grep -c "^$t-" || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ "$update" -eq 1 ]; then
    MSMISIM_FUZZ_TARGET="$t" "$fuzzer" -merge=1 -max_len=262144 "tests/fuzz/corpus/$t" "$work" \
      >>"$log" 2>&1 || true
  fi
  size=$(ls "tests/fuzz/corpus/$t" | wc -l)
  new=$((after - before))
  findings=$((findings + new))
  printf '%-16s %12s %10s %8s %9s\n' "$t" "${runs:-?}" "${rate:-?}" "$size" "$new"
  if [ "$new" -gt 0 ]; then
    for f in $(ls -t "$build/findings" | grep "^$t-" | head -n "$new"); do
      echo "  finding: $build/findings/$f  (replay: MSMISIM_FUZZ_TARGET=$t $fuzzer $build/findings/$f)"
    done
  fi
done
[ "$findings" -eq 0 ] || { echo "fuzz.sh: $findings finding(s); logs in $build/logs"; exit 1; }
echo "fuzz.sh: no findings; logs in $build/logs"
