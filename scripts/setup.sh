#!/usr/bin/env bash
# Installs what a fresh machine lacks: the toolchain pinned in
# rust-toolchain.toml (with its wasm32 target and rust-src), binaryen's
# wasm-opt, and PostgreSQL's server binaries (the services' tests start
# throwaway servers; nothing is started here). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# With no arguments inside the repo, rustup installs exactly the pinned
# toolchain, targets and components included (RUSTUP_AUTO_INSTALL is off here).
# No self-update: the machine's rustup is not ours to change.
rustup toolchain install --no-self-update >/dev/null
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
missing=()
command -v wasm-opt >/dev/null || missing+=(binaryen)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}..."
  $sudo apt-get update -qq >/dev/null
  # Debian's postgresql package would start a cluster of its own; the tests
  # use throwaway servers, so don't.
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  $sudo rm -f /usr/sbin/policy-rc.d
fi
