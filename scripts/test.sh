#!/usr/bin/env bash
# Every test: sets up the machine, checks formatting and lints, runs the
# workspace's tests (unit, doc, reference, seed scenarios, 10,000-case
# proptests), checks the math crate builds for wasm32 with no floats,
# builds, validates and size-checks the contract WASM, checks that the
# exported ABI files in abi/ are current, and runs the deployment's dry run
# (deploy/devnode.toml rehearsed on the WASM), then runs the TypeScript SDK's
# tests and an ethers v6 client against damm-node (the workspace tests run
# `configure` against it), and the web app's tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo fmt --all --check
cargo clippy --locked --workspace --all-targets -- -D warnings
cargo test --locked --workspace
cargo build --locked -p damm-math --target wasm32-unknown-unknown --release
if grep -rnwE 'f32|f64' crates/damm-math; then
  echo "damm-math must not use floating point" >&2
  exit 1
fi
scripts/build-contract.sh
scripts/export-abi.sh --check
scripts/check-docs.py
deploy/deploy.sh --dry-run
# The TypeScript SDK, and an ethers v6 client, against damm-node.
cargo build --locked --release -p damm-node
scripts/deploy-on-node.sh
(cd sdk && npm ci --no-audit --no-fund && npm run gen-abi -- --check \
  && npm test)
# The web app in headless Chromium against damm-node.
scripts/app-test.sh
