// Whatever a call threw, as a sentence a person can act on: the contract's
// custom errors by name (decoded by the SDK), the wallet's refusals, and
// viem's own messages with any raw bytes left out. Never hex.
import { BaseError, UserRejectedRequestError } from "viem";
import { DammRevertError, dammErrorOf, type DammError } from "@damm/sdk";
import { formatAmount, formatTime, formatWad } from "./format.js";

/** How the amounts in an error read: the caller knows their token. */
export type AmountFormat = (value: bigint) => string;

const NO_MARKET = 2n ** 64n - 1n;

function contractSentence({ name, args }: DammError, amount: AmountFormat): string {
  const a = (key: string) => args[key] as bigint;
  switch (name) {
    case "SlippageExceeded":
      return `Price moved beyond your slippage tolerance: the pool now gives ${amount(a("amount"))} against your limit of ${amount(a("limit"))}.`;
    case "Expired":
      return "The deadline passed before the transaction was included. Try again, or allow a longer deadline.";
    case "Paused":
      return "The pool is paused: deposits, swaps and settlements are stopped for now.";
    case "ZeroAmount":
      return "Enter an amount above zero.";
    case "InsufficientBalance":
      return `Your balance is too low: you have ${amount(a("balance"))} and this needs ${amount(a("needed"))}.`;
    case "InsufficientAllowance":
      return `The pool may not spend enough of your tokens: it needs an allowance of ${amount(a("needed"))}.`;
    case "InsufficientLiquidity":
      return "The pool does not hold enough liquidity for this amount.";
    case "TransferFailed":
      return "A token transfer failed: check that your balance covers the amount.";
    case "TransferShortfall":
      return "The token delivered less than it was asked for; tokens that take a fee on transfer are not supported.";
    case "WithdrawalNotReady":
      return a("market") === NO_MARKET
        ? `This withdrawal is still in its cooldown: it can complete from ${formatTime(a("readyAt"))}.`
        : `This withdrawal waits for market ${a("market")} to settle, or for the fallback at ${formatTime(a("readyAt"))}.`;
    case "UnknownWithdrawal":
      return `Withdrawal ${args.id} does not exist or was already paid.`;
    case "NotPayee":
      return `Only the payee of withdrawal ${args.id} may do this.`;
    case "NotLive":
      return "The pool is still in setup: only its owner may do this.";
    case "HealthTooLow":
      return `That would take the health factor to ${formatWad(a("hfAfter"))}, below the floor of ${formatWad(a("hfMin"))}.`;
    case "Unauthorized":
      return "This account is not allowed to do this.";
    case "InvalidAddress":
      return "That address cannot receive tokens.";
    case "Reentrancy":
      return "The pool refused a nested call.";
    case "ArithmeticOverflow":
      return "The amount is too large for the pool's arithmetic.";
    case "MathFailure":
      return "The pool could not price this amount.";
    case "Insolvent":
    case "BufferBreached":
    case "AllocationExceeded":
    case "DailyCapExceeded":
      return "That would pay out more than the pool's free balance, buffer or caps allow.";
    case "UnknownMarket":
    case "MarketNotActive":
      return `Market ${args.id} is not active.`;
    default:
      return `The pool refused the call (${name}).`;
  }
}

export function describeError(error: unknown, amount: AmountFormat = (v) => formatAmount(v)): string {
  const decoded = error instanceof DammRevertError ? error.error : dammErrorOf(error);
  if (decoded) return contractSentence(decoded, amount);
  if (error instanceof Error && error.message.includes("failed on chain")) {
    return "The transaction was included but failed: its receipt is in the transactions list.";
  }
  if (error instanceof BaseError) {
    if (error.walk((e) => e instanceof UserRejectedRequestError || (e as { code?: number }).code === 4001)) {
      return "You rejected the request in your wallet.";
    }
    return withoutHex(error.shortMessage);
  }
  return withoutHex(error instanceof Error ? error.message : String(error));
}

/** Raw bytes mean nothing to a reader: long hex runs (not addresses) go. */
function withoutHex(message: string): string {
  return message.replace(/0x[0-9a-fA-F]{41,}/g, "(data)");
}
