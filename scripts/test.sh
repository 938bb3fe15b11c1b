#!/usr/bin/env bash
# The test command of the README: set-up, then every test (unit,
# integration — loopback interop with openssl s_server/s_client and CPython,
# the conformance corpus — and doc tests).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# The conformance tests run the runner binary: `cargo test` builds examples
# in test mode only, so build them as programs first.
cargo build --examples
cargo test --all-targets
# The `pyssl` command (crate `pyssl-cli`): probe and decode against
# CPython, the demo.
cargo test -p pyssl-cli
cargo test --doc
