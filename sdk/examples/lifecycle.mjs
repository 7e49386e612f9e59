// An LP's whole lifecycle on damm-node with @damm/sdk:
//   scripts/node.sh                       # in one terminal, from the repo root
//   cd sdk && npm ci && npm run build && node examples/lifecycle.mjs
import { createPublicClient, createWalletClient, formatEther, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { Damm, DammRevertError, dammNodeChain, testTokenAbi } from "../dist/src/index.js";
import { loadDeployment } from "../dist/src/node.js";

const deployment = loadDeployment(new URL("../../target/devnode/deployment.json", import.meta.url).pathname);
const chain = dammNodeChain(deployment.rpcUrl);
// anvil's second dev key: an LP (the first is the dAMM's owner).
const account = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
const publicClient = createPublicClient({ chain, transport: http(), pollingInterval: 100 });
const walletClient = createWalletClient({ account, chain, transport: http(), pollingInterval: 100 });
const damm = new Damm({ address: deployment.damm.address, publicClient, walletClient });
const rpc = (method, params = []) => publicClient.request({ method, params });

// The test tokens mint to anyone.
for (const token of [deployment.token0.address, deployment.token1.address]) {
  const hash = await walletClient.writeContract({ address: token, abi: testTokenAbi, functionName: "mint", args: [account.address, 10n ** 24n] });
  await publicClient.waitForTransactionReceipt({ hash });
}

const pool = await damm.pool();
console.log(`pool: ${formatEther(pool.free0)} token0, ${formatEther(pool.free1)} token1, HF ${formatEther(pool.healthFactor)}`);

const deposit = await damm.deposit(10n ** 18n); // 1 token0 and what the ratio asks of token1
console.log(`deposited ${formatEther(deposit.amount0)} + ${formatEther(deposit.amount1)} for ${formatEther(deposit.shares)} shares`);

const swap = await damm.swapExactIn(true, 10n ** 17n); // 0.1 token0 in, 0.5 % slippage
console.log(`swapped 0.1 token0 for ${formatEther(swap.amountOut)} token1`);

try {
  await damm.swapExactIn(true, 10n ** 17n, { minOut: 10n ** 30n });
} catch (e) {
  if (!(e instanceof DammRevertError)) throw e;
  console.log(`refused as expected: ${e.error.name}`, e.error.args);
}

const { id, withdrawal } = await damm.lock(deposit.shares);
console.log(`locked withdrawal ${id}: ${formatEther(withdrawal.amount0)} + ${formatEther(withdrawal.amount1)}, fallback at ${withdrawal.fallbackAt}`);

// No operator settles here, so wait for the fallback (ACP + grace).
const now = (await publicClient.getBlock()).timestamp;
await rpc("evm_increaseTime", [Number(withdrawal.fallbackAt - now)]);
await rpc("evm_mine");
const done = await damm.complete(id);
console.log(`completed: ${formatEther(done.amount0)} + ${formatEther(done.amount1)}`);
