#!/usr/bin/env bash
# Starts damm-node, the local chain with the dAMM deployed and configured
# from deploy/devnode.toml, on http://127.0.0.1:8547 (chain id 412346).
# Sets up a fresh machine first. Arguments go to damm-node (--help lists
# them: --port, --block-time, --state FILE, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
exec cargo run --locked --release -q -p damm-node -- "$@"
