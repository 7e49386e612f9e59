// Everything the page shows, read together so each render sees one state of
// the chain: the pool, its parameters, the markets, the history, and the
// connected account's balances, position and withdrawals.
import { getContract, type Address } from "viem";
import { dammAbi, testTokenAbi, type Damm, type Market, type Pool, type Position, type Withdrawal } from "@damm/sdk";
import type { EventLog } from "./events.js";
import { foldHistory, type HistoryPoint } from "./history.js";

/** The governance parameters the page uses (`parameters()`). */
export interface Parameters {
  hfMin: bigint;
  phi: bigint;
  feeMax: bigint;
  acp: bigint;
  grace: bigint;
}

/** The chain's clock at the last read, to count down from. */
export interface Clock {
  blockTime: bigint;
  /** `Date.now()` when it was read. */
  readAt: number;
}

/** A withdrawal of the account's, with what the page says about it. */
export interface WithdrawalView {
  id: bigint;
  lockedAt: bigint;
  /** What it pays (fixed at the lock). */
  amount0: bigint;
  amount1: bigint;
  /** Unset once paid. */
  pending?: Withdrawal;
  /** The first active market that has not settled since the lock, if any. */
  waitingOn?: Market;
}

export interface Account {
  address: Address;
  balance0: bigint;
  balance1: bigint;
  /** What the pool may spend of each token (a write approves exactly what it lacks). */
  allowance0: bigint;
  allowance1: bigint;
  position: Position;
  withdrawals: WithdrawalView[];
}

export interface Snapshot {
  pool: Pool;
  decimals: readonly [number, number];
  params: Parameters;
  markets: Market[];
  history: HistoryPoint[];
  clock: Clock;
  account?: Account;
}

/** The chain's time now, estimated from the last block and the wall clock since (a dev chain's may run ahead of ours). */
export function chainNow(clock: Clock): bigint {
  const readAt = BigInt(Math.floor(clock.readAt / 1000));
  const base = clock.blockTime > readAt ? clock.blockTime : readAt;
  return base + BigInt(Math.floor((Date.now() - clock.readAt) / 1000));
}

async function readParameters(damm: Damm): Promise<Parameters> {
  const contract = getContract({ address: damm.address, abi: dammAbi, client: damm.publicClient });
  const [hfMin, phi, feeMax, acp, grace] = await contract.read.parameters();
  return { hfMin, phi, feeMax, acp: BigInt(acp), grace: BigInt(grace) };
}

/** A token's decimals never change: read once per token. */
const decimalsOf = new Map<Address, Promise<number>>();

async function readDecimals(damm: Damm, tokens: readonly [Address, Address]): Promise<readonly [number, number]> {
  const read = (address: Address) => {
    let decimals = decimalsOf.get(address);
    if (!decimals) {
      decimals = damm.publicClient.readContract({ address, abi: testTokenAbi, functionName: "decimals" }).then(Number);
      decimalsOf.set(address, decimals);
    }
    return decimals;
  };
  return [await read(tokens[0]), await read(tokens[1])];
}

async function readAccount(damm: Damm, log: EventLog, pool: Pool, markets: Market[], address: Address): Promise<Account> {
  const balance = (token: Address) =>
    damm.publicClient.readContract({ address: token, abi: testTokenAbi, functionName: "balanceOf", args: [address] });
  const allowance = (token: Address) =>
    damm.publicClient.readContract({ address: token, abi: testTokenAbi, functionName: "allowance", args: [address, damm.address] });
  const [balance0, balance1, allowance0, allowance1, position] = await Promise.all([
    balance(pool.token0),
    balance(pool.token1),
    allowance(pool.token0),
    allowance(pool.token1),
    damm.position(address),
  ]);
  const mine = address.toLowerCase();
  const paid = new Map<bigint, { amount0: bigint; amount1: bigint }>();
  const locks: { id: bigint; lockedAt: bigint; amount0: bigint; amount1: bigint }[] = [];
  for (const { event, time } of log.entries) {
    if (event.eventName === "WithdrawalCompleted") paid.set(event.args.id, event.args);
    if (event.eventName === "WithdrawalLocked" && [event.args.owner, event.args.recipient].some((a) => a.toLowerCase() === mine)) {
      locks.push({ id: event.args.id, lockedAt: time, amount0: event.args.amount0, amount1: event.args.amount1 });
    }
  }
  const withdrawals = await Promise.all(
    locks.reverse().map(async (lock): Promise<WithdrawalView> => {
      if (paid.has(lock.id)) return lock;
      const pending = await damm.withdrawal(lock.id);
      // As the contract's first_unsettled_market: a settlement in the lock's second does not count; while paused only the ACP applies.
      const waitingOn = pool.paused ? undefined : markets.find((m) => m.status === "active" && m.settledAt <= lock.lockedAt);
      return { ...lock, pending, waitingOn };
    }),
  );
  return { address, balance0, balance1, allowance0, allowance1, position, withdrawals };
}

export async function readSnapshot(damm: Damm, log: EventLog, account?: Address): Promise<Snapshot> {
  await log.update();
  const readAt = Date.now();
  const [pool, params, markets, block] = await Promise.all([
    damm.pool(),
    readParameters(damm),
    damm.markets(),
    damm.publicClient.getBlock({ blockTag: "latest" }),
  ]);
  const decimals = await readDecimals(damm, [pool.token0, pool.token1]);
  return {
    pool,
    decimals,
    params,
    markets,
    history: foldHistory(log.entries, decimals[0], decimals[1]),
    clock: { blockTime: block.timestamp, readAt },
    account: account && (await readAccount(damm, log, pool, markets, account)),
  };
}
