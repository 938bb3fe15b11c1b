#!/usr/bin/env bash
# Instructions per unit of work over loopback TCP, pyssl's SslSocket against
# rust-openssl's SslStream ("raw"), one connection: per 16 KiB record
# written and read (bulk), and per full handshake with one byte back
# (handshake). Each contestant runs under callgrind with N units and with
# 0, and (I(N) - I(0)) / N is the cost of one unit, both ends (they are in
# this one process). Usage: scripts/callgrind-socket.sh [RECORDS] [HANDSHAKES]
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-1000}
HANDSHAKES=${2:-20}
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
BIN=$(cargo bench --bench socket --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
[ -x "$BIN" ] || { echo "bench binary not found" >&2; exit 1; }
count() {
    local out
    out=$(mktemp)
    PYSSL_SOCKET_BENCH=$1 PYSSL_SOCKET_WORK=$2 PYSSL_SOCKET_N=$3 \
        valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" >/dev/null 2>&1
    sed -n 's/^summary: //p' "$out"
    rm -f "$out"
}
for work in bulk handshake; do
    n=$RECORDS
    [ "$work" = handshake ] && n=$HANDSHAKES
    declare -A per
    for who in raw pyssl; do
        full=$(count "$who" "$work" "$n")
        zero=$(count "$who" "$work" 0)
        per[$who]=$(( (full - zero) / n ))
        echo "$work $who: $(( full - zero )) instructions for $n, ${per[$who]} per unit"
    done
    python3 -c "print(f'$work pyssl / raw: {${per[pyssl]} / ${per[raw]}:.4f}')"
done
