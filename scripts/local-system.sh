#!/usr/bin/env bash
# The whole dAMM system locally: damm-node, an orchestrator and three
# operators (constant product, StableSwap, bAMM), built in release and
# started afresh; prints their URLs and runs until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run --locked --release -p damm-system --example local
