#!/usr/bin/env bash
# The main job: sets up the machine, then walks through the seeds' scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo run --locked --release -p damm-math --example seeds
