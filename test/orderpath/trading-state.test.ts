import test from 'ava';
import type { BrokerOrderUpdate } from '../../actors/broker/protocol.js';
import { portfolioMarkPrices } from '../../actors/portfolio/protocol.js';
import { RiskActor } from '../../actors/risk/risk-actor.js';
import { riskCancelOrder, riskGetStatus, riskSetTradingState } from '../../actors/risk/protocol.js';
import type { RiskOperatorCommandRefused, RiskOrderDenied, RiskStatus, RiskTradingStateChanged } from '../../actors/risk/protocol.js';
import type { TradingState } from '../../actors/risk/trading-state.js';
import { collect } from '../helpers/system.js';
import type { Harness, HarnessOptions } from './harness.js';
import { cleanupBackends, INSTRUMENTS, journaled, MINUTE, OPERATOR_TOKEN, orderPath, PORTFOLIO_ID, RISK_ID, START } from './harness.js';

test.after.always(cleanupBackends);

/** Sends an operator command from the stand-in; `token: null` sends none. */
function command(h: Harness, to: TradingState, token: string | null = OPERATOR_TOKEN, operator = 'alice', reason = 'incident 42'): void {
  h.system.tell(h.strategy, { type: 'standin.send', to: h.risk, message: riskSetTradingState(to, operator, reason, token ?? undefined) });
}

function lastCode(h: Harness, id: string): string | undefined {
  return h.received<RiskOrderDenied>('risk.orderDenied').find((d) => d.order.clientOrderId === id)?.denial.code;
}

async function holdAapl(h: Harness, quantity: number): Promise<void> {
  h.submit({ quantity });
  await h.settle();
  await h.bar(1, 100);
}

test('HALTED denies every new order, and a cancel still reaches the venue', async (t) => {
  const h = await orderPath(t);
  const resting = h.submit({ type: 'limit', limitPrice: 95 });
  await h.settle();
  command(h, 'HALTED');
  await h.settle();
  const id = h.submit();
  await h.settle();
  t.is(lastCode(h, id), 'TRADING_HALTED');
  h.system.tell(h.strategy, { type: 'standin.send', to: h.risk, message: riskCancelOrder(PORTFOLIO_ID, resting, 's1') });
  await h.settle();
  const last = h.received<BrokerOrderUpdate>('broker.orderUpdate').filter((u) => u.order.clientOrderId === resting).at(-1);
  t.is(last?.order.status, 'canceled');
  t.deepEqual(await h.venue.openOrders(), []);
});

test('REDUCING lets through only orders that reduce exposure', async (t) => {
  const h = await orderPath(t);
  await holdAapl(h, 20);
  command(h, 'REDUCING');
  await h.settle();
  const adds = h.submit({ quantity: 5 });
  const flips = h.submit({ side: 'sell', quantity: 30 });
  const reduces = h.submit({ side: 'sell', quantity: 5 });
  await h.settle();
  t.is(lastCode(h, adds), 'REDUCING_ONLY');
  t.is(lastCode(h, flips), 'REDUCING_ONLY');
  t.is(lastCode(h, reduces), undefined);
  t.true((await h.orders()).some((o) => o.clientOrderId === reduces));
});

const REFUSALS: ReadonlyArray<{ name: string; options?: HarnessOptions; send: (h: Harness) => void; refusal: string }> = [
  { name: 'without a credential', send: (h) => command(h, 'HALTED', null), refusal: 'UNAUTHORISED' },
  { name: 'with a wrong credential', send: (h) => command(h, 'HALTED', 'not-the-operator-credential'), refusal: 'UNAUTHORISED' },
  { name: 'when the node has no operator credential configured', options: { operatorToken: null }, send: (h) => command(h, 'HALTED', OPERATOR_TOKEN), refusal: 'UNAUTHORISED' },
  { name: 'without a reason', send: (h) => command(h, 'HALTED', OPERATOR_TOKEN, 'alice', ' '), refusal: 'REASON_REQUIRED' },
  { name: 'to the state it is already in', send: (h) => command(h, 'ACTIVE'), refusal: 'INVALID_TRANSITION' },
  { name: 'to a state that does not exist', send: (h) => command(h, 'PAUSED' as TradingState), refusal: 'INVALID_TRANSITION' },
];

for (const r of REFUSALS) {
  test(`an operator command ${r.name} is refused with an event and changes nothing`, async (t) => {
    const h = await orderPath(t, r.options);
    const published = collect<RiskOperatorCommandRefused>(h.system, 'risk.operatorCommandRefused');
    r.send(h);
    await h.settle();
    t.is(h.received<RiskOperatorCommandRefused>('risk.operatorCommandRefused')[0]?.refusal, r.refusal as never);
    t.is(published[0]?.refusal, r.refusal as never);
    t.false(JSON.stringify(published).includes(OPERATOR_TOKEN), 'the credential is never echoed');
    t.is((await h.riskStatus()).tradingState, 'ACTIVE');
    const events = await journaled<{ kind: string }>(h.store, `risk-${RISK_ID}`);
    t.false(events.some((e) => e.kind === 'tradingStateChanged'));
  });
}

test('an accepted operator command is journaled with who, when and why, acknowledged, and survives a restart', async (t) => {
  const h = await orderPath(t);
  const published = collect<RiskTradingStateChanged>(h.system, 'risk.tradingStateChanged');
  h.clock.advance(1_000);
  command(h, 'HALTED', OPERATOR_TOKEN, 'alice', 'exchange outage');
  await h.settle();
  const ack = h.received<RiskTradingStateChanged>('risk.tradingStateChanged');
  t.like(ack[0], { from: 'ACTIVE', to: 'HALTED', trigger: 'operator', by: 'alice', reason: 'exchange outage', time: START + 1_000 });
  t.is(published.length, 1);
  const events = await journaled<{ kind: string; change?: Record<string, unknown> }>(h.store, `risk-${RISK_ID}`);
  const change = events.find((e) => e.kind === 'tradingStateChanged')?.change;
  t.deepEqual(change, { from: 'ACTIVE', to: 'HALTED', trigger: 'operator', by: 'alice', reason: 'exchange outage', time: START + 1_000 });
  t.false(JSON.stringify(events).includes(OPERATOR_TOKEN), 'the credential is never journaled');
  // A new instance (restart or failover) recovers the state from the journal.
  await h.system.stop(h.risk);
  const again = h.system.spawn(RiskActor, 'risk', { riskId: RISK_ID, instruments: INSTRUMENTS, broker: h.broker, portfolios: { [PORTFOLIO_ID]: h.portfolio } });
  const status = h.system.ask<RiskStatus>(again, riskGetStatus(), 5_000);
  await h.settle();
  t.is((await status).tradingState, 'HALTED');
  t.like((await status).history.at(-1), { to: 'HALTED', by: 'alice', reason: 'exchange outage' });
});

test('the daily loss limit switches the book to REDUCING on its own', async (t) => {
  const h = await orderPath(t, { limits: { maxDailyLoss: 100 } });
  const changes = collect<RiskTradingStateChanged>(h.system, 'risk.tradingStateChanged');
  await holdAapl(h, 100);
  h.system.tell(h.portfolio, portfolioMarkPrices({ AAPL: 98.5 }, START + 2 * MINUTE)); // -150 on the shares, -1 commission
  await h.settle();
  t.like(changes[0], { from: 'ACTIVE', to: 'REDUCING', trigger: 'daily_loss_limit' });
  t.is(changes[0]!.reason, 'portfolio=p1, loss=151, max=100');
  const id = h.submit({ quantity: 1 });
  await h.settle();
  t.is(lastCode(h, id), 'REDUCING_ONLY');
});

test('a drawdown from peak equity past the maximum halts, and only an operator resumes', async (t) => {
  const h = await orderPath(t, { limits: { maxDrawdownPct: 0.001, maxDailyLoss: null } });
  const changes = collect<RiskTradingStateChanged>(h.system, 'risk.tradingStateChanged');
  await holdAapl(h, 100);
  h.system.tell(h.portfolio, portfolioMarkPrices({ AAPL: 98 }, START + 2 * MINUTE));
  await h.settle();
  t.like(changes.at(-1), { to: 'HALTED', trigger: 'max_drawdown' });
  h.system.tell(h.portfolio, portfolioMarkPrices({ AAPL: 110 }, START + 3 * MINUTE)); // recovery does not lift it
  await h.settle();
  t.is((await h.riskStatus()).tradingState, 'HALTED');
  command(h, 'ACTIVE', OPERATOR_TOKEN, 'bob', 'reviewed');
  await h.settle();
  t.is((await h.riskStatus()).tradingState, 'ACTIVE');
  t.like(changes.at(-1), { to: 'ACTIVE', trigger: 'operator', by: 'bob' });
});
