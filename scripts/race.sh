#!/usr/bin/env bash
# ThreadSanitizer over the thread-safety stress tests (a reader and a
# writer thread on each of several connections, contexts reconfigured
# meanwhile): std rebuilt with TSan (nightly, -Zbuild-std), so that its
# Mutex and atomics are seen; OpenSSL is not instrumented, its pthread
# locks are intercepted. Any data race report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup component add rust-src --toolchain nightly >/dev/null 2>&1 || true
export CARGO_TARGET_DIR="$PWD/target/tsan"
export RUSTFLAGS="-Zsanitizer=thread"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
target=$(rustc +nightly -vV | sed -n 's/^host: //p')
cargo +nightly test -Zbuild-std --target "$target" --test it stress:: -- --test-threads=1 "$@"
