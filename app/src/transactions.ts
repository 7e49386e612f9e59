// The transactions the page sent, for the list that shows each one's
// progress (pending, then confirmed or failed) and, once mined, its receipt.
import { useEffect, useState } from "preact/hooks";
import type { Address, Hash, TransactionReceipt } from "viem";
import type { OnTransaction } from "@damm/sdk";

export interface TrackedTransaction {
  hash: Hash;
  /** What it does, in words: "Approve token0", "Deposit", ... */
  label: string;
  sentAt: number;
  receipt?: TransactionReceipt;
}

type Listener = (list: readonly TrackedTransaction[]) => void;

class TransactionList {
  private list: TrackedTransaction[] = [];
  private readonly listeners = new Set<Listener>();

  get items(): readonly TrackedTransaction[] {
    return this.list;
  }

  /** Records a sent transaction, or its receipt once mined. */
  update(hash: Hash, label: string, receipt?: TransactionReceipt): void {
    const known = this.list.find((t) => t.hash === hash);
    const entry: TrackedTransaction = { ...(known ?? { hash, label, sentAt: Date.now() }), ...(receipt && { receipt }) };
    this.list = [entry, ...this.list.filter((t) => t.hash !== hash)];
    for (const listener of this.listeners) listener(this.list);
  }

  /** The SDK's write hook, naming each call by the contract it goes to and its function. */
  hook(label: (to: Address, call: string) => string): OnTransaction {
    return ({ to, call, hash, receipt }) => this.update(hash, label(to, call), receipt);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const transactions = new TransactionList();

/** The list, re-rendering on every change. */
export function useTransactions(): readonly TrackedTransaction[] {
  const [items, setItems] = useState(transactions.items);
  useEffect(() => transactions.subscribe(setItems), []);
  return items;
}
