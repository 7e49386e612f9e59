#!/usr/bin/env bash
# Where a swap's and a settle's gas goes, function by function: builds the
# contract and the test token as scripts/build-wasm.sh does but keeps the
# function names (target/stylus/*.named.wasm, never deployed), then runs an
# L1 swap and two settles on them in the runtime with profiling on and
# prints each frame's gas by category and its costliest functions.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/wasm-env.sh
recipe=$(python3 -c 'import tomllib
print(*tomllib.load(open("Stylus.toml", "rb"))["wasm-opt"]["flags"])')
read -ra flags <<<"$recipe"
mkdir -p target/stylus
for package in damm damm-test-token; do
  CARGO_PROFILE_RELEASE_STRIP=false cargo build --locked --release --lib -p "$package" \
    --target wasm32-unknown-unknown -Z build-std=std,panic_abort --target-dir target/profile
  name=${package//-/_}
  wasm-opt "${flags[@]}" -g "target/profile/wasm32-unknown-unknown/release/$name.wasm" \
    -o "target/stylus/$name.named.wasm"
done
unset CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS
cargo run --locked --release -q -p damm-demo --example gas-profile -- \
  target/stylus/damm.named.wasm target/stylus/damm_test_token.named.wasm
