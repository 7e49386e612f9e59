#!/usr/bin/env bash
# Installs what a fresh machine lacks: the toolchain pinned in
# rust-toolchain.toml (with its wasm32 target). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
# With no arguments inside the repo, rustup installs exactly the pinned
# toolchain, targets and components included (RUSTUP_AUTO_INSTALL is off here).
rustup toolchain install >/dev/null
rustup show active-toolchain
