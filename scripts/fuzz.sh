#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ in turn for SECONDS each (default
# 20), starting from the committed seeds (fuzz/seeds/<target>/) plus the
# working corpus (fuzz/corpus/<target>/, not committed). Prints each
# target's executions (libFuzzer's stat::number_of_executed_units) and
# exits non-zero when any target crashed, leaked, timed out or failed to
# run; crash inputs land in fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Environment: FUZZ_SANITIZER (address, the default, or none),
# FUZZ_TIMEOUT (seconds one input may take, default 10), CARGO_BUILD_JOBS.
#
# Only a stable toolchain is needed: cargo-fuzz passes nightly-only rustc
# flags (-Zsanitizer, sanitizer-coverage), which RUSTC_BOOTSTRAP=1 lets a
# stable compiler accept. The AddressSanitizer runtime ships with stable
# rustup toolchains.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

secs="${1:-20}"
shift || true
case "$secs" in
  '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a number, got '$secs'" >&2; exit 2 ;;
esac
san="${FUZZ_SANITIZER:-address}"
timeout_s="${FUZZ_TIMEOUT:-10}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz.sh: installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi

echo "fuzz.sh: building the fuzz targets (sanitizer: $san)"
cargo fuzz build -s "$san"

logs=target/fuzz-logs
mkdir -p "$logs"
failed=0
passed=0
summary=()
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t" "seeds/$t"
  log="$logs/$t.log"
  echo "fuzz.sh: $t for ${secs}s"
  set +e
  cargo fuzz run -s "$san" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -timeout="$timeout_s" -print_final_stats=1 \
    >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  corpus=$(find "corpus/$t" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    status=ok
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -1 | sed 's/Test unit written to //' || true)
    status="FAILED (exit $rc${artifact:+, input: $artifact})"
    echo "---- $t: the failure, from fuzz/$log ----"
    # From the first panic / sanitizer / libFuzzer error line on.
    awk '/panicked at|==[0-9]+==ERROR|ERROR: libFuzzer|ERROR: LeakSanitizer/ {on=1} on && n++ < 80' "$log"
    echo "----"
  fi
  line=$(printf '%-18s %6ss %12s execs %7s corpus  %s' "$t" "$secs" "${execs:-?}" "$corpus" "$status")
  echo "fuzz.sh: $line"
  summary+=("$line")
done

echo
echo "fuzz.sh: summary (sanitizer: $san, ${secs}s per target)"
printf '  %s\n' "${summary[@]}"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
