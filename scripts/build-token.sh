#!/usr/bin/env bash
# Builds the test ERC-20 fixture (tests/fixtures/test-token, package
# damm-test-token) into target/stylus/test_token.wasm and checks it, exactly
# as scripts/build-contract.sh does for the contract: nightly build-std with
# panic=immediate-abort, wasm-opt with Stylus-valid flags (no multi-value),
# then stylus-check. The local runtime (crates/stylus-runtime) deploys it.
set -euo pipefail
cd "$(dirname "$0")/.."
raw=target/contract/wasm32-unknown-unknown/release/damm_test_token.wasm
out=target/stylus/test_token.wasm
echo "building the test token WASM (nightly build-std, panic=immediate-abort)..."
# The same target dir as the contract: the two share the rebuilt std.
RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Clink-arg=-zstack-size=32768" cargo build --locked --release --lib \
  -p damm-test-token --target wasm32-unknown-unknown -Z build-std=std,panic_abort \
  --target-dir target/contract
mkdir -p target/stylus
wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int "$raw" -o "$out"
cargo run --locked --release -q -p stylus-check -- "$out"
