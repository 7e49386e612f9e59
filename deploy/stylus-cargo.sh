#!/usr/bin/env bash
# cargo as cargo-stylus 0.10 should call it: deploy/deploy.sh points $CARGO
# here. cargo-stylus builds nightly contracts with
# `-Z build-std-features=panic_immediate_abort`, which nightlies since
# 2025-10 refuse ("panic_immediate_abort is now a real panic strategy"); the
# strategy comes from RUSTFLAGS instead (scripts/wasm-env.sh). Every other
# argument passes through unchanged.
args=()
while [ $# -gt 0 ]; do
  if [ "$1" = -Z ] && [ "${2:-}" = build-std-features=panic_immediate_abort ]; then
    shift 2
    continue
  fi
  args+=("$1")
  shift
done
exec cargo "${args[@]}"
