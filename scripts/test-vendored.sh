#!/usr/bin/env bash
# The test suite against the vendored OpenSSL 3.x (feature `vendored`,
# built by openssl-src), in its own target directory.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export CARGO_TARGET_DIR="$PWD/target/vendored"
cargo build --examples --features vendored
cargo test --all-targets --features vendored
cargo test -p pyssl-cli --features pyssl/vendored
