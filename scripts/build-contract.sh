#!/usr/bin/env bash
# Builds and checks the deployable contract: target/stylus/damm.wasm.
exec "$(dirname "$0")/build-wasm.sh" damm damm
