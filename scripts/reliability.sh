#!/usr/bin/env bash
# Leak and soak runs (RELIABILITY.md). Short by default, as .ci/run runs it;
# `scripts/reliability.sh long` runs the figures RELIABILITY.md reports.
#   leak: handshakes (good and every error path) under valgrind memcheck,
#         failing on any definitely or indirectly lost byte;
#   soak: concurrent loopback connections on the tokio adapter.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if ! command -v valgrind >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind
fi
if [ "${1:-short}" = long ]; then
  handshakes=10000 conns=1000 secs=300
else
  handshakes=300 conns=1000 secs=10
fi
cargo build --release --example reliability
bin=target/release/examples/reliability
echo "== leak: $handshakes handshakes under valgrind memcheck"
valgrind --leak-check=full --show-leak-kinds=definite,indirect \
  --errors-for-leak-kinds=definite,indirect --error-exitcode=3 \
  "$bin" leak "$handshakes"
echo "== soak: $conns concurrent connections for $secs s"
"$bin" soak "$conns" "$secs"
