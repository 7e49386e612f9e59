# rustc flags for every Stylus WASM build; sourced by scripts/build-wasm.sh
# and by deploy/deploy.sh, so cargo-stylus builds the code the tests ran.
# - panic=immediate-abort: no panic strings or formatting in the WASM
#   (nightly only; with `-Z build-std`);
# - a 32 KiB stack instead of rustc's 1 MiB (what cargo-stylus's templates
#   use): every call starts with 2 wasm pages instead of 17, about 15,000
#   gas of memory less per transaction. It is 33 KiB, the 32 plus the low
#   1 KiB that Stylus.toml's `--low-memory-unused` tells wasm-opt is unused.
# - target-cpu=mvp plus mutable globals, sign extension and saturating
#   float-to-int: the features Nitro's parser enables that rustc's default
#   CPU also uses, without bulk memory, multi-value or reference types. With
#   bulk memory on, Binaryen 108 writes a DataCount section, and Nitro's
#   parser refuses any section outside its list (docs/stylus.md); without
#   it, std (rebuilt by build-std) copies with loops instead of memory.copy.
# Set for the wasm32 target only: cargo-stylus also builds the host binary
# that prints the constructor, which must keep the host's panic strategy.
# RUSTFLAGS would take precedence over them, so it is cleared.
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Clink-arg=-zstack-size=33792 -Ctarget-cpu=mvp -Ctarget-feature=+mutable-globals,+sign-ext,+nontrapping-fptoint"
