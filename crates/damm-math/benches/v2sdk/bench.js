// Times Uniswap v2-sdk's Pair.getOutputAmount on the seed's 100 ETH / 178,000 DAI
// pool and prints nanoseconds per quote. Run by damm-math's `cargo bench`.
const { Pair } = require('@uniswap/v2-sdk');
const { Token, CurrencyAmount } = require('@uniswap/sdk-core');

const ETH = new Token(1, '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2', 18, 'WETH');
const DAI = new Token(1, '0x6B175474E89094C44Da98b954EedeAC495271d0F', 18, 'DAI');
const E18 = 10n ** 18n;
const pair = new Pair(
  CurrencyAmount.fromRawAmount(ETH, (100n * E18).toString()),
  CurrencyAmount.fromRawAmount(DAI, (178000n * E18).toString()),
);
const input = CurrencyAmount.fromRawAmount(ETH, E18.toString());

const iterations = Number(process.argv[2] || 200000);
let sink = 0;
for (let i = 0; i < iterations / 10; i++) sink ^= pair.getOutputAmount(input)[0].currency.decimals;
const start = process.hrtime.bigint();
for (let i = 0; i < iterations; i++) sink ^= pair.getOutputAmount(input)[0].currency.decimals;
const elapsed = process.hrtime.bigint() - start;
console.log(JSON.stringify({ ns_per_quote: (elapsed / BigInt(iterations)).toString(), sink }));
