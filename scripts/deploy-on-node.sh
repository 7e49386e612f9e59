#!/usr/bin/env bash
# deploy/deploy.sh's send path against a throwaway damm-node: the node
# starts with the programs deployed but unconfigured (--no-configure), then
# deploy.sh configures it over JSON-RPC with anvil's first key (signed
# transactions, receipts awaited), and a second run must send nothing.
# CI runs this; it needs target/release/damm-node.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${DAMM_NODE_PORT:-18547}
out=target/devnode-deploy-check
log=$(mktemp)
target/release/damm-node --port "$port" --out "$out" --no-configure >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 600); do
  grep -q "^Listening on" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "damm-node exited" >&2; exit 1; }
  sleep 0.1
done
grep -q "^Listening on" "$log" || { cat "$log" >&2; echo "damm-node did not start" >&2; exit 1; }

d=$out/deployment.json
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]]["address"])' "$d" "$1"; }
mkdir -p target/deploy
sed -e "s/^token0 = .*/token0 = \"$(field token0)\"/" -e "s/^token1 = .*/token1 = \"$(field token1)\"/" \
  deploy/devnode.toml >target/deploy/config.toml
export DAMM_PRIVATE_KEY=0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
run() { deploy/deploy.sh --endpoint "http://127.0.0.1:$port" --test-tokens --contract "$(field damm)"; }
first=$(run | tee /dev/stderr)
echo "$first" | grep -q "^configured: 3 market(s)" || { echo "deploy.sh did not configure the node" >&2; exit 1; }
second=$(run | tee /dev/stderr)
echo "$second" | grep -q "nothing to do" || { echo "a second deploy.sh run was not idempotent" >&2; exit 1; }
echo "deploy.sh configured damm-node over JSON-RPC, and a re-run sent nothing"
