// A market's curve in words, with its parameters (docs/design.md §3, §11).
import type { Market } from "@damm/sdk";
import { formatWad } from "./format.js";

export function curveName(m: Market): string {
  switch (m.curve) {
    case "constant-product":
      return "constant product";
    case "stable-swap":
      return `StableSwap (amp ${m.paramA})`;
    case "bamm":
      return `bAMM (α ${formatWad(m.paramA, 2)}, t ${formatWad(m.paramB, 2)})`;
    default:
      return String(m.curve);
  }
}
