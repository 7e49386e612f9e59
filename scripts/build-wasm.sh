#!/usr/bin/env bash
# Builds one Stylus crate of the workspace into target/stylus/OUT.wasm and
# checks it: usage `scripts/build-wasm.sh PACKAGE OUT`.
#  1. rustc: nightly build-std with panic=immediate-abort (no panic strings or
#     formatting in the WASM), and a 32 KiB stack instead of rustc's 1 MiB
#     (what cargo-stylus's templates use): every call then starts with 2 wasm
#     pages instead of 17, ~15,000 gas of memory less per transaction.
#  2. wasm-opt -Oz with Stylus-valid features only (no multi-value, which
#     ArbOS 61 removes); raw rustc output fails Stylus validation.
#  3. stylus-check: features, shape, and the 96 KiB / 128 KiB limits; prints
#     both sizes and the fragment count, fails if not deployable.
set -euo pipefail
cd "$(dirname "$0")/.."
package=$1
out=target/stylus/$2.wasm
raw=target/contract/wasm32-unknown-unknown/release/${package//-/_}.wasm
echo "building $package to WASM (nightly build-std, panic=immediate-abort)..."
RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Clink-arg=-zstack-size=32768" \
  cargo build --locked --release --lib -p "$package" --target wasm32-unknown-unknown \
  -Z build-std=std,panic_abort --target-dir target/contract
mkdir -p target/stylus
wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
  --enable-nontrapping-float-to-int "$raw" -o "$out"
cargo run --locked --release -q -p stylus-check -- "$out"
echo "wasm-opt: $(stat -c %s "$raw") B -> $(stat -c %s "$out") B uncompressed"
