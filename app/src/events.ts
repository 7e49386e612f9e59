// The pool's events with the time of their block, read once and then
// incrementally: the chart, the withdrawals' lock times and their payouts
// all come from this one log.
import type { Damm } from "@damm/sdk";

type DammEvent = Awaited<ReturnType<Damm["getEvents"]>>[number];

export interface TimedEvent {
  event: DammEvent;
  /** The block's timestamp (the chain's clock). */
  time: bigint;
}

export class EventLog {
  readonly entries: TimedEvent[] = [];
  private next: bigint;
  private readonly times = new Map<bigint, bigint>();
  /** Reads run one after another, so none reads a range twice. */
  private queue: Promise<boolean> = Promise.resolve(false);

  constructor(
    private readonly damm: Damm,
    fromBlock: bigint,
  ) {
    this.next = fromBlock;
  }

  /** Reads the blocks since the last read; resolves to whether anything new arrived. */
  update(): Promise<boolean> {
    this.queue = this.queue.catch(() => false).then(() => this.read());
    return this.queue;
  }

  private async read(): Promise<boolean> {
    const latest = await this.damm.publicClient.getBlockNumber();
    if (latest < this.next) return false;
    const events = await this.damm.getEvents(this.next, latest);
    for (const event of events) {
      this.entries.push({ event, time: await this.blockTime(event.blockNumber) });
    }
    this.next = latest + 1n;
    return events.length > 0;
  }

  private async blockTime(block: bigint): Promise<bigint> {
    let time = this.times.get(block);
    if (time === undefined) {
      time = (await this.damm.publicClient.getBlock({ blockNumber: block })).timestamp;
      this.times.set(block, time);
    }
    return time;
  }
}
