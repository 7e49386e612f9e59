#!/usr/bin/env bash
# Deploys the dAMM to an Arbitrum Stylus chain and configures it.
#
#   deploy/deploy.sh --dry-run [--config FILE] [--private-key-path FILE]
#   deploy/deploy.sh (--endpoint URL | --network NAME) [--config FILE]
#                    [--private-key-path FILE] [--test-tokens] [--contract ADDRESS]
#
# The endpoint may come from $DAMM_RPC_URL or a network of Stylus.toml, the
# key from $DAMM_PRIVATE_KEY (hex) or a file; neither is ever written into
# the repository. --contract skips deployment and configures that contract.
# See deploy/README.md for the steps and what each one checks.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
die() { echo "deploy: $*" >&2; exit 1; }

config=deploy/devnode.toml
endpoint=${DAMM_RPC_URL:-}
key_path=${DAMM_PRIVATE_KEY_PATH:-}
dry_run=0
test_tokens=0
contract=
while [ $# -gt 0 ]; do
  case $1 in
    --dry-run) dry_run=1 ;;
    --config) config=$2; shift ;;
    --endpoint) endpoint=$2; shift ;;
    --network) endpoint=$(python3 -c 'import sys, tomllib
networks = tomllib.load(open("Stylus.toml", "rb"))["workspace"]["networks"]
print(networks[sys.argv[1]]["endpoint"])' "$2") || die "no network $2 in Stylus.toml"; shift ;;
    --private-key-path) key_path=$2; shift ;;
    --test-tokens) test_tokens=1 ;;
    --contract) contract=$2; shift ;;
    -h|--help) usage ;;
    *) echo "deploy: unknown argument $1" >&2; usage ;;
  esac
  shift
done
[ -f "$config" ] || die "no deployment file at $config"

[ "$dry_run" = 1 ] || [ -n "$endpoint" ] || die "no endpoint: pass --endpoint URL, --network NAME or set DAMM_RPC_URL"
if [ -z "$key_path" ] && [ -n "${DAMM_PRIVATE_KEY:-}" ]; then
  # cargo-stylus reads keys from a file; keep it private and short-lived.
  key_path=$(umask 077 && mktemp)
  trap 'rm -f "$key_path"' EXIT
  printf '%s\n' "$DAMM_PRIVATE_KEY" >"$key_path"
fi
[ "$dry_run" = 1 ] || [ -n "$key_path" ] || die "no key: set DAMM_PRIVATE_KEY or pass --private-key-path"
# No build step, package script or cargo-stylus subprocess sees the key.
unset DAMM_PRIVATE_KEY

out=target/deploy
mkdir -p "$out"
deploy_tool() { cargo run --locked -q -p damm-deploy -- "$@"; }

echo "== setup and build"
scripts/setup.sh
scripts/build-contract.sh
scripts/build-token.sh
scripts/export-abi.sh --check
cp abi/IDamm.json abi/IDamm.sol "$out/"

if [ "$dry_run" = 1 ]; then
  key_args=()
  [ -n "$key_path" ] && key_args=(--private-key-path "$key_path")
  deploy_tool plan --config "$config" --out "$out" "${key_args[@]}"
  echo "dry run: nothing was sent; the ABI and calldata are in $out/"
  exit 0
fi

# Runs `cargo stylus deploy` and prints the address it deployed.
stylus_deploy() {
  case $(cargo-stylus stylus --version 2>/dev/null) in
    *" 0.10.9"*|*" 0.10.1"[0-9]*) ;;
    *) die "needs cargo-stylus 0.10.9 or later 0.10 (tested: 0.10.10; 0.10.9 is the first to
  apply Stylus.toml's wasm-opt recipe): cargo install cargo-stylus --version 0.10.10 --locked" ;;
  esac
  local log
  log=$(mktemp)
  # Called directly, not as `cargo stylus`: cargo would reset $CARGO.
  if ! cargo-stylus stylus deploy --no-verify --endpoint "$endpoint" \
       --private-key-path "$key_path" "$@" 2>&1 | tee "$log" >&2; then
    rm -f "$log"
    die "cargo stylus deploy failed (output above)"
  fi
  sed 's/\x1b\[[0-9;]*m//g' "$log" \
    | sed -n 's/.*deployed code at address: *\(0x[0-9a-fA-F]\{40\}\).*/\1/p' | tail -n 1
  rm -f "$log"
}

configure_args=()
if [ "$test_tokens" = 1 ] && [ -n "$contract" ]; then
  # Resuming: the tokens were deployed by the first run.
  [ -f "$out/config.toml" ] || die "no $out/config.toml from a --test-tokens run to resume"
  config=$out/config.toml
  configure_args=(--test-tokens)
elif [ "$test_tokens" = 1 ]; then
  echo "== deploying two test tokens (devnets only: anyone can mint them)"
  t0=$(stylus_deploy --wasm-file target/stylus/test_token.wasm)
  t1=$(stylus_deploy --wasm-file target/stylus/test_token.wasm)
  [ -n "$t0" ] && [ -n "$t1" ] || die "could not read the test tokens' addresses"
  sed -e "s/^token0 = .*/token0 = \"$t0\"/" -e "s/^token1 = .*/token1 = \"$t1\"/" \
    "$config" >"$out/config.toml"
  config=$out/config.toml
  configure_args=(--test-tokens)
  echo "test tokens: $t0 $t1 (deployment file: $config)"
fi

echo "== rehearsal on the WASM in the local runtime"
deploy_tool plan --config "$config" --out "$out" --private-key-path "$key_path"

if [ -z "$contract" ]; then
  echo "== deploying the dAMM: fragments, then create + activate + construct in one transaction"
  line=$(deploy_tool constructor-args --config "$config" --private-key-path "$key_path")
  read -ra ctor <<<"$line"
  # cargo-stylus rebuilds the contract: with the rustc flags and the wasm-opt
  # recipe (Stylus.toml) of scripts/build-wasm.sh it yields the tested code,
  # which `configure` checks before it sends anything. Its --wasm-file mode
  # would skip the constructor, leaving the owner to whoever calls first.
  contract=$(source scripts/wasm-env.sh && CARGO=$PWD/deploy/stylus-cargo.sh \
    stylus_deploy --contract damm --constructor-args "${ctor[@]}")
  [ -n "$contract" ] || die "could not read the dAMM's address from cargo stylus"
  echo "dAMM deployed at $contract"
fi
# The endpoint is not recorded: provider URLs often carry an API key.
printf 'DAMM_ADDRESS=%s\nDAMM_CONFIG=%s\n' "$contract" "$config" >"$out/deployment.env"

echo "== configuring"
deploy_tool configure --config "$config" --endpoint "$endpoint" --contract "$contract" \
  --private-key-path "$key_path" "${configure_args[@]}"
echo "done: $out/deployment.env records the address"
