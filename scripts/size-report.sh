#!/usr/bin/env bash
# What each part of the contract costs in the WASM: builds it with names kept
# and sums twiggy's per-function sizes by crate and module. It reads rustc's
# output, where functions are still separate (wasm-opt then inlines most of
# them into the entrypoint and trims about a fifth). Needs `cargo install twiggy`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/wasm-env.sh
CARGO_PROFILE_RELEASE_STRIP=false \
  cargo build -q --release --lib -p damm --target wasm32-unknown-unknown \
  -Z build-std=std,panic_abort --target-dir target/size-report
twiggy top -n 100000 --format csv target/size-report/wasm32-unknown-unknown/release/damm.wasm | python3 -c '
import csv, re, sys
totals = {}
for row in csv.DictReader(sys.stdin):
    name = row["Name"]
    if "names" in name and "subsection" in name:
        continue
    size = int(row["ShallowSize"])
    # "<damm::Damm as ..>::f" and "damm::pool::<impl ..>::f" -> crate::module
    path = re.sub(r"^<(.*?) as .*$", r"\1", name)
    parts = [p for p in re.split(r"::", re.sub(r"<impl[^>]*>", "", path)) if p and not p.startswith("h") or not p[1:].isalnum()]
    key = "::".join(parts[:2]) if parts and parts[0] in {"damm", "damm_math", "stylus_sdk", "alloy_sol_types", "ruint", "alloy_primitives", "core", "alloc", "stylus_core"} else ("data" if name.startswith("data") else "other: " + name[:40])
    totals[key] = totals.get(key, 0) + size
total = sum(totals.values())
print(f"{total} B of code and data (names excluded), by module:")
for key, size in sorted(totals.items(), key=lambda kv: -kv[1])[:30]:
    print(f"{size:>8} B {100 * size / total:5.1f} %  {key}")
'
