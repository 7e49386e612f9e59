#!/usr/bin/env bash
# Builds and checks the test ERC-20 fixture (tests/fixtures/test-token) that
# the local runtime deploys: target/stylus/test_token.wasm.
exec "$(dirname "$0")/build-wasm.sh" damm-test-token test_token
