#!/usr/bin/env bash
# Installs what a fresh machine lacks: the toolchain pinned in
# rust-toolchain.toml (with its wasm32 target and rust-src) and binaryen's
# wasm-opt. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# With no arguments inside the repo, rustup installs exactly the pinned
# toolchain, targets and components included (RUSTUP_AUTO_INSTALL is off here).
# No self-update: the machine's rustup is not ours to change.
rustup toolchain install --no-self-update >/dev/null
if ! command -v wasm-opt >/dev/null; then
  echo "installing binaryen (wasm-opt)..."
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq binaryen >/dev/null
fi
