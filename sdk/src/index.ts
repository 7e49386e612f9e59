// @damm/sdk: the dAMM from TypeScript, on viem.
export { dammAbi, testTokenAbi } from "./abi.js";
export {
  Damm,
  CURVES,
  MARKET_STATUS,
  DEFAULT_DEADLINE_SECONDS,
  DEFAULT_SLIPPAGE_BPS,
  WAD,
  type DammOptions,
  type Market,
  type OnTransaction,
  type Pool,
  type Position,
  type TransactionUpdate,
  type Withdrawal,
  type WriteOptions,
} from "./client.js";
export { DammRevertError, dammErrorOf, decodeDammRevert, type DammError } from "./errors.js";
export { lessSlippage, mulDiv, mulDivUp, plusSlippage, proRataDeposit } from "./math.js";
export type { Deployment } from "./deployment.js";
export { dammNodeChain } from "./chain.js";
