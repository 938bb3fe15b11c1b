#!/usr/bin/env bash
# The test suite against OpenSSL 1.1.1w, built from the openssl-src
# 111.28.x crate's sources by tools/openssl111 (once; reused from target/),
# linked statically, in its own target directory.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
prefix="$PWD/target/openssl-1.1.1w"
install=$(PYSSL_OPENSSL111_PREFIX="$prefix" cargo run -q --release \
  --manifest-path tools/openssl111/Cargo.toml)
export OPENSSL_DIR="$install" OPENSSL_STATIC=1 CARGO_TARGET_DIR="$PWD/target/ossl111"
cargo build --examples
cargo test --all-targets
cargo test -p pyssl-cli
