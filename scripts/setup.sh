#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test pyssl:
# OpenSSL's headers, pkg-config and the openssl command-line tool.
# Safe to run again: it installs only what is missing.
set -euo pipefail
need=()
# perl and make build the vendored OpenSSL and OpenSSL 1.1.1 (tests only).
for p in libssl-dev pkg-config openssl perl make; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
command -v cargo >/dev/null || { echo "setup: cargo is not installed" >&2; exit 1; }
