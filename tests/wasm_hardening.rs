//! The audit's findings (issue 10) on the real contract WASM in the local
//! Stylus runtime, as a wallet would meet them: calls encoded from
//! `abi/IDamm.sol`, refusals decoded as the contract's custom errors, and
//! every refusal checked to leave every storage slot of the pool and both
//! tokens as it was.
//!
//! The WASMs are built by the project's scripts on first use
//! (`stylus_runtime::artifacts`).

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use stylus_runtime::{artifacts, World};

sol!(
    #[sol(all_derives)]
    "abi/IDamm.sol"
);

sol! {
    /// The quirky test token's calls.
    interface IToken {
        function mint(address to, uint256 value) external;
        function approve(address spender, uint256 value) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
        function setMode(uint8 mode) external;
        function setBlocked(address account) external;
    }
}

const WAD: u64 = 1_000_000_000_000_000_000;
const CONSTANT_PRODUCT: u8 = 0;
const STABLE_SWAP: u8 = 1;
const BAMM: u8 = 2;
const EXTERNAL: u8 = 3;
const HF_MIN: u8 = 0;
/// The quirky token's mode that reverts transfers to its blocked address.
const BLOCKLIST: u8 = 5;
const START: u64 = 2_000_000_000;

fn e18(units: u64) -> U256 {
    U256::from(units) * U256::from(WAD)
}

fn wad() -> U256 {
    U256::from(WAD)
}

fn later() -> U256 {
    U256::from(u64::MAX)
}

/// Every storage slot of the pool and both tokens.
type Snapshot = Vec<BTreeMap<B256, B256>>;

/// Two quirky tokens, the dAMM, and its people.
struct Chain {
    world: World,
    owner: Address,
    carol: Address,
    dave: Address,
    operator: Address,
    mallory: Address,
    t0: Address,
    t1: Address,
    pool: Address,
}

impl Chain {
    /// Deployed and constructed, still in setup.
    fn new() -> Self {
        let token = artifacts::quirky_token().expect("test token WASM");
        let damm = artifacts::damm().expect("contract WASM");
        let mut world = World::new();
        world.set_timestamp(START);
        let owner = world.eoa("owner");
        let t0 = world.deploy(owner, &token, None).unwrap().address;
        let t1 = world.deploy(owner, &token, None).unwrap().address;
        let args = [t0.into_word().0, t1.into_word().0, owner.into_word().0].concat();
        let pool = world.deploy(owner, &damm, Some(&args)).unwrap().address;
        let mut chain = Self {
            carol: world.eoa("carol"),
            dave: world.eoa("dave"),
            operator: world.eoa("operator"),
            mallory: world.eoa("mallory"),
            world,
            owner,
            t0,
            t1,
            pool,
        };
        for who in [
            chain.owner,
            chain.carol,
            chain.dave,
            chain.operator,
            chain.mallory,
        ] {
            chain.fund(who, e18(1_000_000));
        }
        chain
    }

    /// Out of setup, with Carol's first deposit of `(amount0, amount1)`.
    fn live(amount0: U256, amount1: U256) -> Self {
        let mut chain = Self::new();
        let owner = chain.owner;
        chain.send(owner, IDamm::goLiveCall {}).unwrap();
        let carol = chain.carol;
        chain
            .send(
                carol,
                IDamm::depositCall {
                    amount0_max: amount0,
                    amount1_max: amount1,
                    min_shares: U256::ZERO,
                    recipient: carol,
                    deadline: later(),
                },
            )
            .unwrap();
        chain
    }

    fn fund(&mut self, who: Address, amount: U256) {
        for token in [self.t0, self.t1] {
            self.token(
                who,
                token,
                IToken::mintCall {
                    to: who,
                    value: amount,
                },
            );
            let spender = self.pool;
            self.token(
                who,
                token,
                IToken::approveCall {
                    spender,
                    value: U256::MAX,
                },
            );
        }
    }

    fn token<C: SolCall>(&mut self, from: Address, token: Address, call: C) {
        let outcome = self.world.call(from, token, &call.abi_encode());
        assert!(outcome.is_success(), "{}", C::SIGNATURE);
    }

    fn balance(&mut self, token: Address, who: Address) -> U256 {
        let out = self
            .world
            .view(token, &IToken::balanceOfCall { account: who }.abi_encode());
        U256::from_be_slice(&out.output)
    }

    fn balances(&mut self, who: Address) -> (U256, U256) {
        (self.balance(self.t0, who), self.balance(self.t1, who))
    }

    /// A transaction to the pool: its decoded return, or its revert data.
    fn send<C: SolCall>(&mut self, from: Address, call: C) -> Result<C::Return, Vec<u8>> {
        let outcome = self.world.call(from, self.pool, &call.abi_encode());
        if !outcome.is_success() {
            return Err(outcome.output);
        }
        Ok(C::abi_decode_returns(&outcome.output, true).expect(C::SIGNATURE))
    }

    /// A view of the pool.
    fn read<C: SolCall>(&mut self, call: C) -> C::Return {
        let outcome = self.world.view(self.pool, &call.abi_encode());
        assert!(outcome.is_success(), "{}", C::SIGNATURE);
        C::abi_decode_returns(&outcome.output, true).expect(C::SIGNATURE)
    }

    fn snapshot(&self) -> Snapshot {
        [self.pool, self.t0, self.t1]
            .iter()
            .map(|&a| self.world.storage_slots(a))
            .collect()
    }

    /// Sends `call`, which must revert with exactly `error` and leave every
    /// slot of the pool and the tokens as it was.
    fn refused<C: SolCall, E: SolError>(&mut self, from: Address, call: C, error: E) {
        let before = self.snapshot();
        let revert = self.send(from, call).map(|_| ()).unwrap_err();
        assert_eq!(
            revert,
            error.abi_encode(),
            "{} for {}",
            E::SIGNATURE,
            C::SIGNATURE
        );
        assert!(
            self.snapshot() == before,
            "{} moved something",
            C::SIGNATURE
        );
    }

    fn market(&mut self, id: u64) -> IDamm::marketReturn {
        self.read(IDamm::marketCall { id })
    }

    /// Market `id`'s next batch from its operator: `(x, y)` to `end`.
    fn settle_call(&mut self, id: u64, end: (U256, U256)) -> IDamm::checkpointCall {
        let m = self.market(id);
        IDamm::checkpointCall {
            market: id,
            batch_id: m._7 + 1,
            start_x: m._8,
            start_y: m._9,
            end_x: end.0,
            end_y: end.1,
            join0: U256::ZERO,
            join1: U256::ZERO,
            exit_shares: U256::ZERO,
            commitment: B256::ZERO,
        }
    }

    fn settle(&mut self, id: u64, end: (U256, U256)) -> Result<(), Vec<u8>> {
        let call = self.settle_call(id, end);
        let operator = self.market(id)._0;
        self.send(operator, call).map(|_| ())
    }

    /// A governed call from the owner, once live: queued (its
    /// `ChangeQueued` log read back), then run by the owner when due.
    /// Returns the executed change's result word.
    fn govern<C: SolCall>(&mut self, call: C) -> U256 {
        let outcome = self.world.call(self.owner, self.pool, &call.abi_encode());
        assert!(outcome.is_success(), "{}", C::SIGNATURE);
        let log = outcome
            .logs
            .iter()
            .find(|log| log.is(self.pool, IDamm::ChangeQueued::SIGNATURE))
            .expect("queued");
        let queued =
            IDamm::ChangeQueued::decode_raw_log(log.topics.iter().copied(), &log.data, true)
                .expect("ChangeQueued decodes");
        assert_eq!(
            queued.call.to_vec(),
            call.abi_encode(),
            "the log shows the call"
        );
        let due = queued.due.to::<u64>();
        self.world.set_timestamp(due);
        let owner = self.owner;
        self.send(owner, IDamm::executeChangeCall { id: queued.id })
            .unwrap()
            ._0
    }

    fn register(&mut self, kind: u8, a: U256, b: U256, weight: U256) -> u64 {
        let operator = self.operator;
        self.govern(IDamm::registerMarketCall {
            operator,
            kind,
            param_a: a,
            param_b: b,
            weight,
            fee_scale: wad(),
        })
        .to::<u64>()
    }

    fn free0(&mut self) -> U256 {
        let r = self.read(IDamm::reservesCall {});
        r._0 - r._2
    }
}

fn float(value: U256) -> f64 {
    value.to::<u128>() as f64 / 1e18
}

/// Token1 per token0 at a StableSwap state, from the gradient of
/// `4A(x+y) + D = 4AD + D³/(4xy)` (`amp = 2A`), in floating point.
fn stable_spot(x: f64, y: f64, amp: f64) -> f64 {
    let a4 = 2.0 * amp;
    let mut d = x + y;
    for _ in 0..200 {
        let f = a4 * (x + y) + d - a4 * d - d.powi(3) / (4.0 * x * y);
        d -= f / (1.0 - a4 - 3.0 * d * d / (4.0 * x * y));
    }
    (a4 + d.powi(3) / (4.0 * x * x * y)) / (a4 + d.powi(3) / (4.0 * x * y * y))
}

/// Finding 1: on a 1000:4000 pool, bAMM (α = ½, t = ½) and StableSwap
/// (amp 100) markets open at spot 4, and the first batch cannot buy token0
/// at the price the old first state quoted.
#[test]
fn markets_open_at_the_pools_price_on_their_own_curve() {
    let mut c = Chain::live(e18(1000), e18(4000));
    let half = wad() / U256::from(2);
    let bamm = c.register(BAMM, half, half, half);
    let stable = c.register(
        STABLE_SWAP,
        U256::from(100),
        U256::ZERO,
        wad() / U256::from(4),
    );
    let b = c.market(bamm);
    let s = c.market(stable);
    let b_spot = (float(b._9) / float(b._8)).sqrt();
    let s_spot = stable_spot(float(s._8), float(s._9), 100.0);
    assert!((b_spot - 4.0).abs() < 1e-9, "bAMM at {b_spot}");
    assert!((s_spot - 4.0).abs() < 1e-9, "StableSwap at {s_spot}");
    // A thousandth of the bAMM's token0 at 2.01 each: refused.
    let bought = b._8 / U256::from(1000);
    let end = (
        b._8 - bought,
        b._9 + bought * U256::from(201) / U256::from(100),
    );
    let call = c.settle_call(bamm, end);
    let operator = c.operator;
    c.refused(operator, call, IDamm::CurveViolated {});
}

/// Finding 2: at amp 10, a 0.1 % market moved to a 10^7 : 1 state can
/// still be judged: its next checkpoints settle.
#[test]
fn an_imbalanced_stableswap_market_still_settles() {
    let mut c = Chain::live(e18(1000), e18(1000));
    let amp = U256::from(10);
    let id = c.register(STABLE_SWAP, amp, U256::ZERO, wad() / U256::from(1000));
    let m = c.market(id);
    let d = damm_math::stable::d_ceil(m._8, m._9, amp).unwrap();
    let end_x = m._8 * U256::from(1015) / U256::from(10);
    let end_y = damm_math::stable::y_min(end_x, d, amp).unwrap();
    assert!(end_x / end_y >= U256::from(10_000_000));
    c.settle(id, (end_x, end_y)).unwrap();
    let m = c.market(id);
    c.settle(id, (m._8, m._9)).unwrap();
    let m = c.market(id);
    let d = damm_math::stable::d_ceil(m._8, m._9, amp).unwrap();
    let back_x = m._8 / U256::from(10);
    let back_y = damm_math::stable::y_min(back_x, d, amp).unwrap() + U256::from(1);
    c.settle(id, (back_x, back_y)).unwrap();
}

/// Finding 3: in setup only the owner deposits; once live a change waits
/// ACP + grace, can be cancelled, and runs once when due.
#[test]
fn the_timelock_holds_changes_for_acp_plus_grace() {
    let mut c = Chain::new();
    let (dave, owner, mallory) = (c.dave, c.owner, c.mallory);
    let deposit = IDamm::depositCall {
        amount0_max: e18(1),
        amount1_max: e18(1),
        min_shares: U256::ZERO,
        recipient: dave,
        deadline: later(),
    };
    c.refused(dave, deposit.clone(), IDamm::NotLive {});
    c.send(owner, IDamm::goLiveCall {}).unwrap();
    c.send(dave, deposit).unwrap();

    let p = c.read(IDamm::parametersCall {});
    let due = START + p._3 + p._4;
    let half = wad() / U256::from(2);
    c.send(
        owner,
        IDamm::setParameterCall {
            id: HF_MIN,
            value: half,
        },
    )
    .unwrap();
    assert_eq!(c.read(IDamm::parametersCall {})._0, p._0, "not applied yet");
    let change = c.read(IDamm::changeCall { id: 0 });
    assert_eq!((change._0, change._1), (due, 1));
    c.world.set_timestamp(due - 1);
    c.refused(
        owner,
        IDamm::executeChangeCall { id: 0 },
        IDamm::TimelockPending {
            id: 0,
            due: U256::from(due),
        },
    );
    c.world.set_timestamp(due);
    for call in [
        IDamm::executeChangeCall { id: 0 }.abi_encode(),
        IDamm::cancelChangeCall { id: 0 }.abi_encode(),
    ] {
        let before = c.snapshot();
        let outcome = c.world.call(mallory, c.pool, &call);
        assert_eq!(
            outcome.output,
            IDamm::Unauthorized { caller: mallory }.abi_encode()
        );
        assert!(c.snapshot() == before);
    }
    c.send(owner, IDamm::executeChangeCall { id: 0 }).unwrap();
    assert_eq!(c.read(IDamm::parametersCall {})._0, half);
    c.refused(
        owner,
        IDamm::executeChangeCall { id: 0 },
        IDamm::UnknownChange { id: 0 },
    );

    // A cancelled change never runs.
    c.send(
        owner,
        IDamm::setParameterCall {
            id: HF_MIN,
            value: p._0,
        },
    )
    .unwrap();
    c.send(owner, IDamm::cancelChangeCall { id: 1 }).unwrap();
    c.world.set_timestamp(due + p._3 + p._4);
    c.refused(
        owner,
        IDamm::executeChangeCall { id: 1 },
        IDamm::UnknownChange { id: 1 },
    );
    assert_eq!(c.read(IDamm::parametersCall {})._0, half);

    // One not run within 14 days of its due time expires.
    c.send(
        owner,
        IDamm::setParameterCall {
            id: HF_MIN,
            value: p._0,
        },
    )
    .unwrap();
    let (queued_due, _, _) = {
        let change = c.read(IDamm::changeCall { id: 2 });
        (change._0, change._1, change._2)
    };
    let expired_at = queued_due + 14 * 86_400;
    c.world.set_timestamp(expired_at);
    c.refused(
        owner,
        IDamm::executeChangeCall { id: 2 },
        IDamm::ChangeExpired {
            id: 2,
            expiredAt: U256::from(expired_at),
        },
    );
}

/// Findings 4 and 5: an External checkpoint pays at most 1 % of a free
/// balance and a day at most 5 %; any market at most its weight of what is
/// free now.
#[test]
fn payouts_are_capped_per_checkpoint_per_day_and_by_weight() {
    let mut c = Chain::live(e18(1000), e18(1000));
    let ext = c.register(EXTERNAL, U256::ZERO, U256::ZERO, wad());
    let operator = c.operator;
    let m = c.market(ext);
    let over = e18(10) + U256::from(1);
    let call = c.settle_call(ext, (m._8 - over, m._9 + over));
    c.refused(
        operator,
        call,
        IDamm::AllocationExceeded {
            amount: over,
            limit: e18(10),
        },
    );
    // At the cap four times, then the day's 5 % runs out (by hand: see
    // the motsu test of the same name).
    for _ in 0..4 {
        let out = c.free0() / U256::from(100);
        let m = c.market(ext);
        c.settle(ext, (m._8 - out, m._9 + out)).unwrap();
    }
    let next = c.free0() / U256::from(100);
    assert_eq!(next, U256::from(9_605_960_100_000_000_000u128));
    let m = c.market(ext);
    let call = c.settle_call(ext, (m._8 - next, m._9 + next));
    c.refused(
        operator,
        call,
        IDamm::DailyCapExceeded {
            amount: next,
            limit: U256::from(8_625_810_500_000_000_000u128),
        },
    );

    // A 5 % constant-product market whose state is ten times w·X̄ after
    // Carol locks most of the pool: 10 token0 out is above 5 % of 100 free.
    let mut c = Chain::live(e18(1000), e18(1000));
    let id = c.register(
        CONSTANT_PRODUCT,
        U256::ZERO,
        U256::ZERO,
        wad() / U256::from(20),
    );
    let carol = c.carol;
    c.send(
        carol,
        IDamm::lockWithdrawalCall {
            shares: e18(900),
            min0: U256::ZERO,
            min1: U256::ZERO,
            recipient: carol,
            deadline: later(),
        },
    )
    .unwrap();
    assert_eq!(c.free0(), e18(100));
    let call = c.settle_call(id, (e18(40), e18(125) / U256::from(2)));
    c.refused(
        operator,
        call,
        IDamm::AllocationExceeded {
            amount: e18(10),
            limit: e18(5),
        },
    );
}

/// Finding 6: a paused market's L2 shares leave through their operator's
/// lock (nobody else's), paid to the operator it was locked for.
#[test]
fn a_paused_markets_l2_shares_leave_to_the_operator_of_the_lock() {
    let mut c = Chain::live(e18(1000), e18(1000));
    let id = c.register(CONSTANT_PRODUCT, U256::ZERO, U256::ZERO, wad());
    let (owner, operator, mallory, dave) = (c.owner, c.operator, c.mallory, c.dave);
    let m = c.market(id);
    let mut join = c.settle_call(id, (m._8, m._9));
    join.join0 = e18(100);
    join.join1 = e18(100);
    c.send(operator, join).unwrap();
    let shares = c.market(id)._11;
    let lock = IDamm::lockMarketSharesCall {
        id,
        shares,
        min0: U256::ZERO,
        min1: U256::ZERO,
    };
    c.refused(
        mallory,
        lock.clone(),
        IDamm::Unauthorized { caller: mallory },
    );
    c.send(owner, IDamm::setMarketActiveCall { id, active: false })
        .unwrap();
    c.refused(
        mallory,
        lock.clone(),
        IDamm::Unauthorized { caller: mallory },
    );
    let claim = c.send(operator, lock).unwrap()._0;
    c.govern(IDamm::setOperatorCall { id, operator: dave });
    let w = c.read(IDamm::withdrawalCall { id: claim });
    assert_eq!((w._0, w._2, w._3), (operator, e18(100), e18(100)));
    let now = c.world.block().timestamp;
    c.world.set_timestamp(now.max(w._4));
    let before = c.balances(operator);
    c.send(mallory, IDamm::completeWithdrawalCall { id: claim })
        .unwrap();
    assert_eq!(
        c.balances(operator),
        (before.0 + e18(100), before.1 + e18(100))
    );
}

/// Findings 7 and 8: `type(uint256).max` is a deposit limit like any
/// other; an overflowing net order is an `ArithmeticOverflow`; a payee a
/// token blocks redirects its claim.
#[test]
fn limits_overflows_and_blocked_payees() {
    let mut c = Chain::live(e18(100), e18(178_000));
    let dave = c.dave;
    let r = c.read(IDamm::reservesCall {});
    let supply = c.read(IDamm::totalSupplyCall {})._0;
    let minted = c
        .send(
            dave,
            IDamm::depositCall {
                amount0_max: e18(1),
                amount1_max: U256::MAX,
                min_shares: U256::ZERO,
                recipient: dave,
                deadline: later(),
            },
        )
        .unwrap();
    // By hand: token0 binds, ℓ = ⌊a0·T/X̄⌋, and token1 is ⌈ℓ·Ȳ/T⌉.
    assert_eq!(minted._0, e18(1) * supply / r._0);
    assert_eq!(minted._2, (minted._0 * r._1).div_ceil(supply));

    let ext = c.register(EXTERNAL, U256::ZERO, U256::ZERO, wad() / U256::from(2));
    let m = c.market(ext);
    let call = c.settle_call(ext, (U256::MAX, m._9));
    let operator = c.operator;
    c.refused(operator, call, IDamm::ArithmeticOverflow {});

    let carol = c.carol;
    let claim = c
        .send(
            carol,
            IDamm::lockWithdrawalCall {
                shares: e18(1),
                min0: U256::ZERO,
                min1: U256::ZERO,
                recipient: carol,
                deadline: later(),
            },
        )
        .unwrap()
        ._0;
    let w = c.read(IDamm::withdrawalCall { id: claim });
    c.world.set_timestamp(w._5);
    let (owner, t1) = (c.owner, c.t1);
    c.token(owner, t1, IToken::setModeCall { mode: BLOCKLIST });
    c.token(owner, t1, IToken::setBlockedCall { account: carol });
    c.refused(
        carol,
        IDamm::completeWithdrawalCall { id: claim },
        IDamm::TransferFailed { token: t1 },
    );
    let mallory = c.mallory;
    c.refused(
        mallory,
        IDamm::redirectWithdrawalCall {
            id: claim,
            to: mallory,
        },
        IDamm::NotPayee { id: claim },
    );
    c.send(
        carol,
        IDamm::redirectWithdrawalCall {
            id: claim,
            to: dave,
        },
    )
    .unwrap();
    let before = c.balances(dave);
    c.send(mallory, IDamm::completeWithdrawalCall { id: claim })
        .unwrap();
    assert_eq!(c.balances(dave), (before.0 + w._2, before.1 + w._3));
}
