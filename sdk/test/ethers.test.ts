// A client nobody here wrote: ethers v6 does the whole LP lifecycle with
// only deployment.json, the ABI files in abi/ and anvil's first key. No
// SDK code is used.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Contract, JsonRpcProvider, Wallet, type InterfaceAbi } from "ethers";
import { OWNER_KEY, startNode, type RunningNode } from "./node.js";

let node: RunningNode;

before(async () => {
  node = await startNode();
});

after(async () => {
  await node?.stop();
});

test("ethers v6: mint, approve, deposit, lock, wait out ACP + grace, complete", async () => {
  const deployment = node.deployment;
  const abi = (path: string) => JSON.parse(readFileSync(path, "utf8")) as InterfaceAbi;
  // cacheTimeout -1: ethers reuses an identical answer for 250 ms by default,
  // a stale nonce on a chain that mines at once.
  const provider = new JsonRpcProvider(deployment.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
  assert.equal((await provider.getNetwork()).chainId, BigInt(deployment.chainId));
  const wallet = new Wallet(OWNER_KEY, provider);
  const damm = new Contract(deployment.damm.address, abi(deployment.damm.abi), wallet);
  const token0 = new Contract(deployment.token0.address, abi(deployment.token0.abi), wallet);
  const token1 = new Contract(deployment.token1.address, abi(deployment.token1.abi), wallet);
  const e18 = 10n ** 18n;

  for (const token of [token0, token1]) {
    await (await token.mint(wallet.address, 10_000n * e18)).wait();
    await (await token.approve(deployment.damm.address, 10_000n * e18)).wait();
  }
  const sharesBefore: bigint = await damm.balanceOf(wallet.address);
  const latest = await provider.getBlock("latest");
  const deadline = BigInt(latest!.timestamp) + 600n;
  const receipt = await (await damm.deposit(2n * e18, 3560n * e18, 1n, wallet.address, deadline)).wait();
  assert.equal(receipt!.status, 1);
  const deposit = receipt!.logs.map((l: { topics: readonly string[]; data: string }) => damm.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "Deposit");
  const minted: bigint = deposit!.args.shares;
  assert.equal(await damm.balanceOf(wallet.address), sharesBefore + minted);

  // A refusal decodes by name through the ABI: the deadline has passed.
  await assert.rejects(damm.lockWithdrawal(minted, 0n, 0n, wallet.address, 1n), (e: { data?: string }) => {
    const error = damm.interface.parseError(e.data ?? "0x");
    return error?.name === "Expired" && error.args.deadline === 1n;
  });

  const lockReceipt = await (await damm.lockWithdrawal(minted, 0n, 0n, wallet.address, deadline)).wait();
  const locked = lockReceipt!.logs.map((l: { topics: readonly string[]; data: string }) => damm.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "WithdrawalLocked");
  const id: bigint = locked!.args.id;
  const [, acpAndGrace] = await damm.parameters().then((p: bigint[]) => [p[3], p[3] + p[4]]);
  await provider.send("evm_increaseTime", [Number(acpAndGrace)]);
  await provider.send("evm_mine", []);

  const balance0: bigint = await token0.balanceOf(wallet.address);
  const completed = await (await damm.completeWithdrawal(id)).wait();
  assert.equal(completed!.status, 1);
  assert.equal(await token0.balanceOf(wallet.address), balance0 + locked!.args.amount0);
  const [, , , , , , done] = await damm.withdrawal(id);
  assert.equal(done, true);

  const logs = await provider.getLogs({ address: deployment.damm.address, fromBlock: 0, toBlock: "latest" });
  const names = logs.map((l) => damm.interface.parseLog(l)?.name);
  assert.ok(names.includes("WithdrawalCompleted"));
  provider.destroy();
});
