#!/usr/bin/env bash
# Instructions per 16 KiB record of bulk TLS over loopback TCP, pyssl's
# SslSocket against rust-openssl's SslStream ("raw"): each contestant runs
# under callgrind with N records and with 0, and (I(N) - I(0)) / N is the
# cost of one record written and read (both threads, both processes' ends
# are in this one process). Usage: scripts/callgrind-socket.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
BIN=$(cargo bench --bench socket --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -1)
[ -x "$BIN" ] || { echo "bench binary not found" >&2; exit 1; }
count() {
    local out
    out=$(mktemp)
    PYSSL_SOCKET_BENCH=$1 PYSSL_SOCKET_RECORDS=$2 \
        valgrind --tool=callgrind --callgrind-out-file="$out" "$BIN" >/dev/null 2>&1
    sed -n 's/^summary: //p' "$out"
    rm -f "$out"
}
declare -A per
for who in raw pyssl; do
    full=$(count "$who" "$N")
    zero=$(count "$who" 0)
    per[$who]=$(( (full - zero) / N ))
    echo "$who: $(( full - zero )) instructions for $N records, ${per[$who]} per record"
done
python3 -c "print(f'pyssl / raw: {${per[pyssl]} / ${per[raw]}:.4f}')"
