// The connected account's LP position: its shares, what burning them would
// be owed now (pro rata of the free balances, floored, docs/design.md §2),
// their worth in token1 at the pool's price, and their part of the supply.
import { mulDiv } from "@damm/sdk";
import { formatPercent } from "../format.js";
import type { Snapshot } from "../snapshot.js";
import { Amount } from "./Amount.js";

export function PositionPanel({ snapshot }: { snapshot: Snapshot }) {
  const { account, pool, decimals } = snapshot;
  if (!account) return null;
  const { position } = account;
  // token0 priced at the free balances' ratio, in token1's units.
  const worth = position.value1 + (pool.free0 === 0n ? 0n : mulDiv(position.value0, pool.free1, pool.free0));
  return (
    <section class="panel position" aria-labelledby="position-title">
      <h2 id="position-title">Your position</h2>
      <dl class="facts">
        <dt>Shares</dt>
        <dd class="position-shares"><Amount value={position.shares} places={6} /></dd>
        <dt>Value now</dt>
        <dd class="position-value">
          <Amount value={position.value0} decimals={decimals[0]} places={6} unit="token0" /> +{" "}
          <Amount value={position.value1} decimals={decimals[1]} places={6} unit="token1" />
        </dd>
        <dt>Worth</dt>
        <dd class="position-worth"><Amount value={worth} decimals={decimals[1]} places={2} unit="token1" /></dd>
        <dt>Share of pool</dt>
        <dd class="position-share" data-raw={position.shareOfSupply.toString()}>{formatPercent(position.shareOfSupply, 4)}</dd>
        <dt>Wallet</dt>
        <dd class="wallet">
          <Amount value={account.balance0} decimals={decimals[0]} unit="token0" /> · <Amount value={account.balance1} decimals={decimals[1]} unit="token1" />
        </dd>
      </dl>
      {position.shares === 0n && <p class="muted">No shares yet: deposit to get some.</p>}
    </section>
  );
}
