#!/usr/bin/env bash
# The main job of the README: set-up, then the loopback demo (generated
# certificates; a verified connection and three verification failures).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo run --release -p pyssl-cli -- demo
