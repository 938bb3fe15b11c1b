#!/usr/bin/env bash
# Instructions per handshake and per MiB of async TLS over loopback TCP
# (benches/async.rs, one connection, a current-thread tokio runtime):
# pyssl::tokio against tokio-openssl, and tokio-rustls for reference. Each
# contestant runs under callgrind doing the workload N times and 0 times
# (both after the same warm-up), and (I(N) - I(0)) / N is the cost of one
# handshake (client and server: connect, handshake, one byte each way,
# close_notify) or of one MiB written by the client in 16 KiB chunks and
# read by the server. Two passes, as scripts/bench-instructions.sh:
#   1. memcpy as glibc runs here: 16 KiB copies are `rep movsb`, which
#      callgrind counts once per byte moved;
#   2. GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=4294967295: copies
#      run as vector loops, closer to what a copy costs in time.
# Usage: scripts/callgrind-async.sh [HANDSHAKES] [MIB]   (default 50 16)
# PYSSL_BENCH_KEEP=DIR keeps the profiles there (for callgrind_annotate);
# PYSSL_ASYNC_RT=multi counts on the 2-worker runtime instead (its counts
# repeat less well).
set -euo pipefail
cd "$(dirname "$0")/.."
HS=${1:-50}
MIB=${2:-16}
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
BIN=$(cargo bench --bench async --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
[ -x "$BIN" ] || { echo "bench binary not found" >&2; exit 1; }
KEEP=${PYSSL_BENCH_KEEP:-}
[ -z "$KEEP" ] || mkdir -p "$KEEP"

# count WHO WORK N PASS: the instructions of one run.
count() {
    local out
    if [ -n "$KEEP" ]; then
        out="$KEEP/$1-$2-$3-pass$4.callgrind"
    else
        out=$(mktemp)
    fi
    PYSSL_ASYNC_BENCH=$1 PYSSL_ASYNC_WORK=$2 PYSSL_ASYNC_N=$3 \
        valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" >/dev/null 2>&1 \
        || { echo "$1 $2 N=$3 failed under callgrind" >&2; exit 1; }
    sed -n 's/^summary: //p' "$out"
    [ -n "$KEEP" ] || rm -f "$out"
}

# pass PASS: the table for the current environment.
pass() {
    local work n who full zero
    declare -A per
    echo "| workload | N | tokio-openssl | pyssl | rustls | pyssl ÷ tokio-openssl | pyssl ÷ rustls |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for work in handshake bulk; do
        if [ "$work" = handshake ]; then n=$HS; else n=$MIB; fi
        for who in tokio-openssl pyssl rustls; do
            full=$(count "$who" "$work" "$n" "$1")
            zero=$(count "$who" "$work" 0 "$1")
            per[$who]=$(( (full - zero) / n ))
        done
        python3 - "$work" "$n" "${per[tokio-openssl]}" "${per[pyssl]}" "${per[rustls]}" <<'EOF'
import sys
work, n, to, py, rl = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
what = "per handshake" if work == "handshake" else "per MiB"
m = lambda x: f"{x / 1e6:.3f} M"
print(f"| {work} ({what}) | {n} | {m(to)} | {m(py)} | {m(rl)} | {py / to:.4f} | {py / rl:.4f} |")
EOF
    done
}

echo "instructions, callgrind (I(N) - I(0)) / N, one connection, runtime ${PYSSL_ASYNC_RT:-current}"
echo
echo "== pass 1: rep movsb counted per byte"
pass 1
echo
echo "== pass 2: memcpy without rep movsb (GLIBC_TUNABLES)"
GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=4294967295 pass 2
