#!/usr/bin/env bash
# Builds one Stylus crate of the workspace into target/stylus/OUT.wasm and
# checks it: usage `scripts/build-wasm.sh PACKAGE OUT [FEATURES]`.
#  1. rustc: nightly build-std with the flags of scripts/wasm-env.sh
#     (panic=immediate-abort, a 32 KiB stack).
#  2. wasm-opt with the recipe in Stylus.toml, which cargo-stylus applies
#     too when it deploys; raw rustc output fails Stylus validation.
#  3. stylus-check: features, shape, and the 96 KiB / 128 KiB limits; prints
#     both sizes and the fragment count, fails if not deployable.
set -euo pipefail
cd "$(dirname "$0")/.."
package=$1
out=target/stylus/$2.wasm
features=${3:-}
# One target directory per feature set, so the builds do not undo each other.
target_dir=target/contract${features:+-$features}
raw=$target_dir/wasm32-unknown-unknown/release/${package//-/_}.wasm
echo "building $package${features:+ (features: $features)} to WASM (nightly build-std, panic=immediate-abort)..."
source scripts/wasm-env.sh
cargo build --locked --release --lib -p "$package" --target wasm32-unknown-unknown \
  ${features:+--features "$features"} -Z build-std=std,panic_abort --target-dir "$target_dir"
mkdir -p target/stylus
recipe=$(python3 -c 'import tomllib
r = tomllib.load(open("Stylus.toml", "rb"))["wasm-opt"]
print(r["version"], *r["flags"])')
read -ra wasm_opt_flags <<<"$recipe"
version=${wasm_opt_flags[0]}
wasm_opt_flags=("${wasm_opt_flags[@]:1}")
# cargo-stylus refuses another Binaryen when it deploys; refuse it here too.
wasm-opt --version | grep -qw "version $version" \
  || { echo "wasm-opt $version expected (Stylus.toml), found: $(wasm-opt --version)" >&2; exit 1; }
wasm-opt "${wasm_opt_flags[@]}" "$raw" -o "$out"
cargo run --locked --release -q -p stylus-check -- "$out"
echo "wasm-opt: $(stat -c %s "$raw") B -> $(stat -c %s "$out") B uncompressed"
