#!/usr/bin/env bash
# Exports the contract's ABI: abi/IDamm.sol (the SDK's interface with the
# events of src/events.sol added) and abi/IDamm.json (compiled by solcjs),
# and abi/ITestToken.json from the hand-written abi/ITestToken.sol.
# With --check, writes to a temporary folder and fails if the committed
# files differ (CI runs this).
set -euo pipefail
cd "$(dirname "$0")/.."
out=abi
if [ "${1:-}" = "--check" ]; then out=$(mktemp -d); fi
mkdir -p "$out"
interface=$(cargo run --locked -q -p damm --features export-abi --bin damm-abi -- abi --license "MIT OR Apache-2.0")
events=$(sed -n '/^interface IDammEvents {/,/^}/p' src/events.sol | sed '1d;$d')
python3 - "$out/IDamm.sol" <<PY
import sys
interface = """$interface""".rstrip()
events = """$events"""
assert interface.endswith("}"), "unexpected interface shape"
body = interface[:-1].rstrip() + "\n\n    // Events (src/events.sol)\n" + events.rstrip() + "\n}\n"
open(sys.argv[1], "w").write(body)
PY
(cd scripts/solc && [ -d node_modules ] || npm ci --no-audit --no-fund --silent)
tmp=$(mktemp -d)
# The test token's interface is written by hand (abi/ITestToken.sol).
[ "$out" = abi ] || cp abi/ITestToken.sol "$out/"
scripts/solc/node_modules/.bin/solcjs --abi -o "$tmp" "$out/IDamm.sol" "$out/ITestToken.sol" >/dev/null
python3 - "$tmp" "$out" <<'PY'
import glob, json, sys
for name in ("IDamm", "ITestToken"):
    [path] = [p for p in glob.glob(sys.argv[1] + "/*.abi") if p.endswith(name + ".abi")]
    abi = json.load(open(path))
    target = f"{sys.argv[2]}/{name}.json"
    json.dump(abi, open(target, "w"), indent=2, sort_keys=True)
    open(target, "a").write("\n")
PY
if [ "$out" != abi ]; then
  if ! diff -u abi/IDamm.sol "$out/IDamm.sol" || ! diff -q abi/IDamm.json "$out/IDamm.json" \
     || ! diff -q abi/ITestToken.json "$out/ITestToken.json"; then
    echo "abi/ is stale: run scripts/export-abi.sh and commit the result" >&2
    exit 1
  fi
  echo "abi/IDamm.sol, abi/IDamm.json and abi/ITestToken.json are current"
fi
