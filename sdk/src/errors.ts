// The contract's custom errors, decoded from whatever viem threw.
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from "viem";
import { dammAbi } from "./abi.js";

/** A custom error of the dAMM: its name and arguments, by name. */
export interface DammError {
  name: string;
  args: Record<string, unknown>;
  /** The raw revert data. */
  data: Hex;
}

/** Decodes revert data with the dAMM's ABI; `undefined` if it is not one of its errors. */
export function decodeDammRevert(data: Hex): DammError | undefined {
  try {
    const decoded = decodeErrorResult({ abi: dammAbi, data });
    const item = dammAbi.find((x) => x.type === "error" && x.name === decoded.errorName);
    const inputs = item && "inputs" in item ? item.inputs : [];
    const args: Record<string, unknown> = {};
    (decoded.args ?? []).forEach((value, i) => {
      args[inputs[i]?.name || String(i)] = value;
    });
    return { name: decoded.errorName, args, data };
  } catch {
    return undefined;
  }
}

/** The dAMM error inside a viem error (a simulation, an estimate or a call), if any. */
export function dammErrorOf(error: unknown): DammError | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError && reverted.raw) {
    return decodeDammRevert(reverted.raw);
  }
  // A raw RPC error: revert bytes in `data`.
  const withData = error.walk((e) => typeof (e as { data?: unknown }).data === "string") as
    | { data?: Hex }
    | null;
  return withData?.data ? decodeDammRevert(withData.data) : undefined;
}

/** A write the contract refused, with its custom error. */
export class DammRevertError extends Error {
  constructor(
    readonly error: DammError,
    readonly cause: unknown,
  ) {
    super(`the dAMM refused: ${error.name}(${Object.entries(error.args).map(([k, v]) => `${k}: ${v}`).join(", ")})`);
    this.name = "DammRevertError";
  }
}
