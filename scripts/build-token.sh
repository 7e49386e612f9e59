#!/usr/bin/env bash
# Builds and checks the test ERC-20 fixture (tests/fixtures/test-token) that
# the local runtime deploys: target/stylus/test_token.wasm, the plain token
# the demo and the gas figures use, and target/stylus/quirky_token.wasm,
# with the non-standard behaviours the security tests need.
set -euo pipefail
cd "$(dirname "$0")"
./build-wasm.sh damm-test-token test_token
./build-wasm.sh damm-test-token quirky_token quirks
