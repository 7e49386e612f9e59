// The dAMM client: reads, writes with Uniswap SDK conventions (amounts
// from the pool ratio, slippage tolerance and deadline defaults, exact
// approvals when needed), events and custom errors.
import {
  getContract,
  parseEventLogs,
  type ContractFunctionName,
  type Account,
  type Address,
  type Hash,
  type Log,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from "viem";
import { dammAbi, testTokenAbi } from "./abi.js";
import { DammRevertError, dammErrorOf } from "./errors.js";
import { lessSlippage, mulDiv, plusSlippage, proRataDeposit } from "./math.js";

/** 0.5 %, Uniswap's default slippage tolerance. */
export const DEFAULT_SLIPPAGE_BPS = 50;
/** 30 minutes from the latest block, Uniswap's default deadline. */
export const DEFAULT_DEADLINE_SECONDS = 1800n;
/** 1e18: the contract's fixed-point unit (health factor, fees, weights). */
export const WAD = 10n ** 18n;

/** The pool's books. */
export interface Pool {
  token0: Address;
  token1: Address;
  /** Balances held. */
  balance0: bigint;
  balance1: bigint;
  /** Reserved for locked withdrawals. */
  reserved0: bigint;
  reserved1: bigint;
  /** What markets and deposits price against: balance − reserved. */
  free0: bigint;
  free1: bigint;
  /** LP shares in existence. */
  lpSupply: bigint;
  /** √(X̄·Ȳ)/T, WAD. */
  healthFactor: bigint;
  /** The L1 swap fee now, WAD. */
  fee: bigint;
  live: boolean;
  paused: boolean;
}

/** The kinds `registerMarket` takes. */
export const CURVES = ["constant-product", "stable-swap", "bamm", "external"] as const;
/** Market statuses in the contract's order: it numbers them from 1 (`src/markets.rs`, `status`). */
export const MARKET_STATUS = ["active", "paused", "retired"] as const;

/** A market, as `market(id)` returns it. */
export interface Market {
  id: bigint;
  operator: Address;
  curve: (typeof CURVES)[number] | number;
  status: (typeof MARKET_STATUS)[number] | number;
  paramA: bigint;
  paramB: bigint;
  weight: bigint;
  feeScale: bigint;
  /** The last settled batch. */
  batchId: bigint;
  x: bigint;
  y: bigint;
  settledAt: bigint;
  shares: bigint;
  growth: bigint;
}

/** A locked withdrawal. */
export interface Withdrawal {
  id: bigint;
  payee: Address;
  /** The market whose L2 LPs it pays, or undefined for an L1 LP's. */
  market: bigint | undefined;
  amount0: bigint;
  amount1: bigint;
  /** The ACP ends: it completes once every market has settled since the lock. */
  readyAt: bigint;
  /** From here it completes without waiting for markets. */
  fallbackAt: bigint;
  done: boolean;
}

/** An account's LP position. */
export interface Position {
  shares: bigint;
  /** Its part of the supply, WAD. */
  shareOfSupply: bigint;
  /** What burning it would be owed now (pro rata of the free balances, floored). */
  value0: bigint;
  value1: bigint;
}

/**
 * One transaction a write sent: reported when sent, so an interface can show
 * it pending, and again with its receipt once mined.
 */
export interface TransactionUpdate {
  /** The contract it calls (the pool, or a token for an approval). */
  to: Address;
  /** The function it calls: "approve", "deposit", "swapExactIn", ... */
  call: string;
  hash: Hash;
  /** Set once mined. */
  receipt?: TransactionReceipt;
}

/** Hears of every transaction a write sends, approvals included. */
export type OnTransaction = (update: TransactionUpdate) => void;

export interface WriteOptions {
  /** Told of each transaction as it is sent and as it is mined. */
  onTransaction?: OnTransaction;
  /** Slippage tolerance in basis points (default 50). */
  slippageBps?: number;
  /** Unix time the call expires; default the latest block + 30 minutes. */
  deadline?: bigint;
  /** Who gets the proceeds; default the signer. */
  recipient?: Address;
}

export interface DammOptions {
  address: Address;
  publicClient: PublicClient;
  /** Needed for writes, with an account. */
  walletClient?: WalletClient;
}

const NO_MARKET = 2n ** 64n - 1n;

/** A dAMM pool at one address. */
export class Damm {
  readonly address: Address;
  readonly publicClient: PublicClient;
  readonly walletClient: WalletClient | undefined;

  constructor(options: DammOptions) {
    this.address = options.address;
    this.publicClient = options.publicClient;
    this.walletClient = options.walletClient;
  }

  /** The pool's view functions, typed from the ABI (arguments and results). */
  private get reader() {
    return getContract({ address: this.address, abi: dammAbi, client: this.publicClient }).read;
  }

  // ---- Reads ----

  async pool(): Promise<Pool> {
    const [[token0, token1], [balance0, balance1, reserved0, reserved1], lpSupply, healthFactor, fee, live, params] =
      await Promise.all([
        this.reader.tokens(),
        this.reader.reserves(),
        this.reader.totalSupply(),
        this.reader.healthFactor(),
        this.reader.currentFee(),
        this.reader.isLive(),
        this.reader.parameters(),
      ]);
    return {
      token0,
      token1,
      balance0,
      balance1,
      reserved0,
      reserved1,
      free0: balance0 - reserved0,
      free1: balance1 - reserved1,
      lpSupply,
      healthFactor,
      fee,
      live,
      paused: params[7],
    };
  }

  async market(id: bigint): Promise<Market> {
    const m = await this.reader.market([id]);
    return {
      id,
      operator: m[0],
      curve: CURVES[m[1]] ?? m[1],
      status: MARKET_STATUS[m[2] - 1] ?? m[2],
      paramA: m[3],
      paramB: m[4],
      weight: m[5],
      feeScale: m[6],
      batchId: m[7],
      x: m[8],
      y: m[9],
      settledAt: m[10],
      shares: m[11],
      growth: m[12],
    };
  }

  async markets(): Promise<Market[]> {
    const count = await this.reader.marketCount();
    const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i));
    return Promise.all(ids.map((id) => this.market(id)));
  }

  async withdrawal(id: bigint): Promise<Withdrawal> {
    const w = await this.reader.withdrawal([id]);
    return {
      id,
      payee: w[0],
      market: w[1] === NO_MARKET ? undefined : w[1],
      amount0: w[2],
      amount1: w[3],
      readyAt: w[4],
      fallbackAt: w[5],
      done: w[6],
    };
  }

  async position(account: Address): Promise<Position> {
    const [shares, pool] = await Promise.all([this.reader.balanceOf([account]), this.pool()]);
    if (pool.lpSupply === 0n) return { shares, shareOfSupply: 0n, value0: 0n, value1: 0n };
    return {
      shares,
      shareOfSupply: mulDiv(shares, WAD, pool.lpSupply),
      value0: mulDiv(shares, pool.free0, pool.lpSupply),
      value1: mulDiv(shares, pool.free1, pool.lpSupply),
    };
  }

  /** `(amountOut, fee)` for an exact input, from the contract's own quote. */
  async quoteExactIn(zeroForOne: boolean, amountIn: bigint): Promise<{ amountOut: bigint; fee: bigint }> {
    const [amountOut, fee] = await this.reader.quoteExactIn([zeroForOne, amountIn]);
    return { amountOut, fee };
  }

  /** `(amountIn, fee)` for an exact output. */
  async quoteExactOut(zeroForOne: boolean, amountOut: bigint): Promise<{ amountIn: bigint; fee: bigint }> {
    const [amountIn, fee] = await this.reader.quoteExactOut([zeroForOne, amountOut]);
    return { amountIn, fee };
  }

  // ---- Writes ----

  private account(): Account | Address {
    const account = this.walletClient?.account;
    if (!account) throw new Error("writes need a walletClient with an account");
    return account;
  }

  private signer(): Address {
    const account = this.account();
    return typeof account === "string" ? account : account.address;
  }

  private async deadline(options: WriteOptions): Promise<bigint> {
    if (options.deadline !== undefined) return options.deadline;
    // The later of the chain's clock and ours: a dev chain's clock may run ahead.
    const block = await this.publicClient.getBlock({ blockTag: "latest" });
    const now = BigInt(Math.floor(Date.now() / 1000));
    return (block.timestamp > now ? block.timestamp : now) + DEFAULT_DEADLINE_SECONDS;
  }

  /** Simulates, sends and waits; a refusal becomes a {@link DammRevertError}. */
  private async send(
    address: Address,
    abi: typeof dammAbi | typeof testTokenAbi,
    functionName: ContractFunctionName<typeof dammAbi, "nonpayable"> | ContractFunctionName<typeof testTokenAbi, "nonpayable">,
    args: readonly unknown[],
    onTransaction?: OnTransaction,
  ): Promise<TransactionReceipt> {
    const wallet = this.walletClient;
    if (!wallet) throw new Error("writes need a walletClient with an account");
    try {
      const { request } = await this.publicClient.simulateContract({
        address,
        abi,
        functionName,
        args,
        account: this.account(),
      } as never);
      const hash: Hash = await wallet.writeContract(request as never);
      onTransaction?.({ to: address, call: functionName, hash });
      const receipt = await this.publicClient.waitForTransactionReceipt({ hash });
      onTransaction?.({ to: address, call: functionName, hash, receipt });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} failed on chain`);
      return receipt;
    } catch (error) {
      const decoded = dammErrorOf(error);
      throw decoded ? new DammRevertError(decoded, error) : error;
    }
  }

  /** Approves exactly `amount` of `token` to the pool if its allowance is short. */
  async ensureAllowance(token: Address, amount: bigint, options: Pick<WriteOptions, "onTransaction"> = {}): Promise<TransactionReceipt | undefined> {
    const allowance = (await this.publicClient.readContract({
      address: token,
      abi: testTokenAbi,
      functionName: "allowance",
      args: [this.signer(), this.address],
    })) as bigint;
    if (allowance >= amount) return undefined;
    return this.send(token, testTokenAbi, "approve", [this.address, amount], options.onTransaction);
  }

  /**
   * Deposits up to `amount0` and the token1 the pool's ratio asks for
   * (ceiled), for at least the shares the ratio promises less the slippage
   * tolerance. Approves exactly those amounts if the allowances are short.
   */
  async deposit(amount0: bigint, options: WriteOptions = {}): Promise<{ receipt: TransactionReceipt; shares: bigint; amount0: bigint; amount1: bigint }> {
    const pool = await this.pool();
    if (pool.lpSupply === 0n) throw new Error("the pool has no first deposit yet: its owner seeds it");
    const slippage = options.slippageBps ?? DEFAULT_SLIPPAGE_BPS;
    const { amount1, shares } = proRataDeposit(amount0, pool.free0, pool.free1, pool.lpSupply);
    // The amounts are maxima (Uniswap's "desired" amounts): if the ratio
    // moves before the call lands, the pool takes less of one token, and
    // the share minimum bounds what the deposit may lose.
    await this.ensureAllowance(pool.token0, amount0, options);
    await this.ensureAllowance(pool.token1, amount1, options);
    const receipt = await this.send(this.address, dammAbi, "deposit", [
      amount0,
      amount1,
      lessSlippage(shares, slippage),
      options.recipient ?? this.signer(),
      await this.deadline(options),
    ], options.onTransaction);
    const args = this.eventArgs(receipt, "Deposit") as { shares: bigint; amount0: bigint; amount1: bigint };
    return { receipt, shares: args.shares, amount0: args.amount0, amount1: args.amount1 };
  }

  /**
   * Locks `shares` for withdrawal, the amounts fixed now: at least their
   * value less the slippage tolerance, or `min0` / `min1` when given (e.g.
   * the amounts a person reviewed).
   */
  async lock(shares: bigint, options: WriteOptions & { min0?: bigint; min1?: bigint } = {}): Promise<{ receipt: TransactionReceipt; id: bigint; withdrawal: Withdrawal }> {
    const pool = await this.pool();
    const slippage = options.slippageBps ?? DEFAULT_SLIPPAGE_BPS;
    const value0 = mulDiv(shares, pool.free0, pool.lpSupply);
    const value1 = mulDiv(shares, pool.free1, pool.lpSupply);
    const receipt = await this.send(this.address, dammAbi, "lockWithdrawal", [
      shares,
      options.min0 ?? lessSlippage(value0, slippage),
      options.min1 ?? lessSlippage(value1, slippage),
      options.recipient ?? this.signer(),
      await this.deadline(options),
    ], options.onTransaction);
    const { id } = this.eventArgs(receipt, "WithdrawalLocked") as { id: bigint };
    return { receipt, id, withdrawal: await this.withdrawal(id) };
  }

  /** Completes withdrawal `id`: after the ACP once markets settled, or after the fallback time regardless. */
  async complete(id: bigint, options: Pick<WriteOptions, "onTransaction"> = {}): Promise<{ receipt: TransactionReceipt; amount0: bigint; amount1: bigint }> {
    const receipt = await this.send(this.address, dammAbi, "completeWithdrawal", [id], options.onTransaction);
    const args = this.eventArgs(receipt, "WithdrawalCompleted") as { amount0: bigint; amount1: bigint };
    return { receipt, amount0: args.amount0, amount1: args.amount1 };
  }

  /** Swaps exactly `amountIn`, for at least the quote less the slippage tolerance (or `minOut`). */
  async swapExactIn(zeroForOne: boolean, amountIn: bigint, options: WriteOptions & { minOut?: bigint } = {}): Promise<{ receipt: TransactionReceipt; amountOut: bigint }> {
    const minOut = options.minOut ?? lessSlippage((await this.quoteExactIn(zeroForOne, amountIn)).amountOut, options.slippageBps ?? DEFAULT_SLIPPAGE_BPS);
    const pool = await this.pool();
    await this.ensureAllowance(zeroForOne ? pool.token0 : pool.token1, amountIn, options);
    const receipt = await this.send(this.address, dammAbi, "swapExactIn", [
      zeroForOne,
      amountIn,
      minOut,
      options.recipient ?? this.signer(),
      await this.deadline(options),
    ], options.onTransaction);
    return { receipt, amountOut: this.swapAmount(receipt, zeroForOne) };
  }

  /** Buys exactly `amountOut`, paying at most the quote plus the slippage tolerance (or `maxIn`). */
  async swapExactOut(zeroForOne: boolean, amountOut: bigint, options: WriteOptions & { maxIn?: bigint } = {}): Promise<{ receipt: TransactionReceipt; amountIn: bigint }> {
    const maxIn = options.maxIn ?? plusSlippage((await this.quoteExactOut(zeroForOne, amountOut)).amountIn, options.slippageBps ?? DEFAULT_SLIPPAGE_BPS);
    const pool = await this.pool();
    await this.ensureAllowance(zeroForOne ? pool.token0 : pool.token1, maxIn, options);
    const receipt = await this.send(this.address, dammAbi, "swapExactOut", [
      zeroForOne,
      amountOut,
      maxIn,
      options.recipient ?? this.signer(),
      await this.deadline(options),
    ], options.onTransaction);
    return { receipt, amountIn: this.swapAmount(receipt, !zeroForOne) };
  }

  /** The absolute amount of token1 (`one`) or token0 the pool moved in a swap receipt. */
  private swapAmount(receipt: TransactionReceipt, one: boolean): bigint {
    const args = this.eventArgs(receipt, "Swap") as { amount0: bigint; amount1: bigint };
    const amount = one ? args.amount1 : args.amount0;
    return amount < 0n ? -amount : amount;
  }

  /** The arguments of the receipt's first `name` event from the pool; throws if there is none. */
  private eventArgs(receipt: TransactionReceipt, name: string): unknown {
    const event = this.events(receipt.logs).find((e) => e.eventName === name);
    if (!event) throw new Error(`no ${name} event in transaction ${receipt.transactionHash}`);
    return event.args;
  }

  // ---- Events ----

  /** The dAMM's events among `logs` (other contracts' logs are skipped). */
  events(logs: readonly Log[]) {
    const own = logs.filter((log) => log.address.toLowerCase() === this.address.toLowerCase());
    return parseEventLogs({ abi: dammAbi, logs: own as Log[] });
  }

  /** The dAMM's events in blocks `fromBlock..toBlock` (default: all). */
  async getEvents(fromBlock: bigint = 0n, toBlock?: bigint) {
    const logs = await this.publicClient.getLogs({ address: this.address, fromBlock, toBlock });
    return this.events(logs);
  }
}
