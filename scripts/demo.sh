#!/usr/bin/env bash
# The main job: sets up the machine, builds the contract WASM, and walks through
# the seeds' scenarios with it in the local Stylus runtime (no node needed).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo run --locked --release -p damm-demo
