#!/usr/bin/env bash
# The web app's browser tests: headless Chromium from Debian's package
# (installed if missing; browser downloads do not work here), the SDK and
# the app built, then app/test/*.test.ts, each starting its own damm-node on
# a free port (target/release/damm-node, built by the caller) and stopping
# it. Screenshots of every step go to target/app-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium
fi
if [ ! -x "${DAMM_NODE:-target/release/damm-node}" ]; then
  echo "app-test: build damm-node first: cargo build --locked --release -p damm-node" >&2
  exit 1
fi
(cd sdk && npm ci --no-audit --no-fund && npm run build)
cd app
npm ci --no-audit --no-fund
npm run build
npm test
