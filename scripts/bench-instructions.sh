#!/usr/bin/env bash
# Instruction counts per workload (callgrind), raw rust-openssl vs pyssl vs
# CPython 3.13: `benches/compare.rs` in its counting mode. Each contestant
# runs under `valgrind --tool=callgrind` doing the workload once as a
# warm-up and then N more times, and again with 0 more; the table shows
# (I(N) - I(0)) / N. Two passes, because memcpy's cost depends on how it
# is counted:
#   1. as glibc runs here: 16 KiB copies are `rep movsb`, which callgrind
#      counts once per byte moved (one "instruction" per byte);
#   2. with glibc told never to use `rep movsb`
#      (GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=...): copies run
#      as AVX loops, about one instruction per 10 bytes, closer to what a
#      copy costs in time.
# Options: PYSSL_BENCH_INSTR_SCALE=0.25 (quicker, N × 0.25),
# PYSSL_BENCH_ONLY=full,resumed,tcp,bulk,getpeercert, PYSSL_BENCH_KEEP=DIR
# (keep the callgrind profiles for callgrind_annotate).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
cargo bench --bench compare --no-run
echo "== pass 1: rep movsb counted per byte"
PYSSL_BENCH_INSTR=1 cargo bench -q --bench compare
echo
echo "== pass 2: memcpy without rep movsb"
GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=4294967295 \
  PYSSL_BENCH_INSTR=1 cargo bench -q --bench compare
