#!/usr/bin/env bash
# CPython's own Lib/test/test_ssl.py on pyssl: builds the `_ssl` module of
# compat/cpython-ssl (glue on pyssl's public API), puts it under the name
# of the stdlib `_ssl` extension in a temporary directory on PYTHONPATH,
# proves the shadow is live, runs `python3.13 -m test test_ssl -v`
# (regrtest; network tests stay off) and compares the per-test results
# with compat/cpython-ssl/expected-failures.txt.
#
#   scripts/test-cpython-suite.sh [regrtest args, e.g. -m test_echo]
#
# With extra arguments it runs only those tests and does not compare.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
py="${PYSSL_PYTHON313:-}"
if [ -z "$py" ]; then
  prefix=$(pyenv prefix 3.13 2>/dev/null || true)
  [ -n "$prefix" ] && py="$prefix/bin/python3.13"
fi
if [ -z "$py" ] || [ ! -x "$py" ]; then
  echo "test-cpython-suite: CPython 3.13 not found (pyenv prefix 3.13, or set PYSSL_PYTHON313)" >&2
  exit 1
fi
export PYO3_PYTHON="$py"
cargo build -p pyssl-cpython
suffix=$("$py" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
shadow=$(mktemp -d)
trap 'rm -rf "$shadow"' EXIT
lib="${CARGO_TARGET_DIR:-target}/debug/lib_ssl.so"
cp "$lib" "$shadow/_ssl$suffix"
# A broken shadow makes regrtest skip the whole file and exit 0: prove that
# `_ssl` and ssl.py's `_ssl` are this build first.
PYTHONPATH="$shadow" "$py" - "$shadow/_ssl$suffix" <<'PYEOF'
import os, sys
import _ssl, ssl
want = os.path.realpath(sys.argv[1])
for m in (_ssl, ssl._ssl):
    assert os.path.realpath(m.__file__) == want, (m.__file__, want)
print("test-cpython-suite: shadow live:", _ssl.__file__)
PYEOF
junit="target/test-cpython-suite.xml"
log="target/test-cpython-suite.log"
mkdir -p target
echo "test-cpython-suite: $py -m test test_ssl -v (log: $log)"
set +e
PYTHONPATH="$shadow" "$py" -m test test_ssl -v --junit-xml "$junit" "$@" >"$log" 2>&1
rc=$?
set -e
tail -n 15 "$log"
if [ $# -gt 0 ]; then
  exit "$rc"
fi
# CPython 3.13.0 with its own _ssl runs 187 tests here.
"$py" compat/cpython-ssl/results.py "$junit" "$log" compat/cpython-ssl/expected-failures.txt 187
