import test from 'ava';
import { registerOrderPathKinds } from '../../actors/broker/kinds.js';
import { PaperVenue } from '../../actors/broker/paper-venue.js';
import type { BrokerFill, BrokerOrderUpdate } from '../../actors/broker/protocol.js';
import { attachOrderPath } from '../../actors/broker/services.js';
import { InstrumentRegistry } from '../../actors/domain/instrument.js';
import { portfolioGetSnapshot } from '../../actors/portfolio/protocol.js';
import type { PortfolioSnapshotReply } from '../../actors/portfolio/protocol.js';
import { riskPriceUpdate, riskReturnsUpdate, riskSubmitOrder } from '../../actors/risk/protocol.js';
import type { RiskOrderDenied, RiskProtocol } from '../../actors/risk/protocol.js';
import { attachPersistence } from '../../persistence/persistent-actor.js';
import { Actor, ActorKinds } from '../../runtime/index.js';
import type { ActorContext, ActorRef, Message } from '../../runtime/index.js';
import { collect, testSystem } from '../helpers/system.js';
import { sqliteBackend } from '../persistence/backends.js';
import {
  assertPortfolioMatchesVenue, cleanupBackends, INSTRUMENTS, journaled, KEY, lastStatus, MINUTE, order, orderPath, PORTFOLIO_ID, PRICES, RETURNS, RISK_ID, scriptedStrategy, START, StrategyStandIn,
} from './harness.js';

test.after.always(cleanupBackends);

for (const dispatch of ['event-loop', 'manual'] as const) {
  test(`[${dispatch}] a scripted strategy's orders go through risk, the broker and the paper venue, and the portfolio equals the venue's fill log`, async (t) => {
    const h = await orderPath(t, { dispatch });
    const ids = await scriptedStrategy(t, h);
    t.like(lastStatus(h), { [ids.market!]: 'filled', [ids.limit!]: 'filled', [ids.stop!]: 'filled', [ids.resting!]: 'canceled' });
    t.false(ids.denied! in lastStatus(h), 'a denied order never reaches the broker');
    t.deepEqual(h.venue.fills().map((f) => [f.clientOrderId, f.price, f.quantity]), [[ids.market, 101, 10], [ids.limit, 199, 5], [ids.stop, 95, 3]]);
    t.deepEqual(h.received<BrokerFill>('broker.fill').map((f) => f.fill.fillId), h.venue.fills().map((f) => f.fillId));
    const snapshot = await h.portfolioSnapshot();
    assertPortfolioMatchesVenue(t, snapshot, h.venue.fills());
    t.is(snapshot.marks.AAPL?.price, 99.5);
    const status = await h.riskStatus();
    t.deepEqual(status.openOrders, { [PORTFOLIO_ID]: 0 }, 'every terminal order was closed at the risk actor');
    t.is(status.tradingState, 'ACTIVE');
    const brokerEvents = await journaled<{ kind: string }>(h.store, 'broker-b1');
    t.is(brokerEvents.filter((e) => e.kind === 'opened').length, 4);
    const portfolioEvents = await journaled<{ kind: string }>(h.store, 'portfolio-p1');
    t.deepEqual(portfolioEvents.filter((e) => e.kind === 'filled').length, 3);
    const riskEvents = await journaled<{ kind: string }>(h.store, `risk-${RISK_ID}`);
    t.is(riskEvents.filter((e) => e.kind === 'approved').length, 4);
  });
}

test('the strategy sees each order go submitted, accepted, then filled, in that order', async (t) => {
  const h = await orderPath(t);
  const id = h.submit();
  await h.settle();
  await h.bar(1, 101);
  const statuses = h.received<BrokerOrderUpdate>('broker.orderUpdate').filter((u) => u.order.clientOrderId === id).map((u) => u.order.status);
  t.deepEqual(statuses, ['submitted', 'accepted', 'filled']);
});

test('a submit repeated with the same client order id returns the existing order and never places a second one', async (t) => {
  const h = await orderPath(t);
  const o = order();
  h.system.tell(h.strategy, { type: 'standin.submit', order: o });
  await h.settle();
  h.system.tell(h.strategy, { type: 'standin.submit', order: o }); // a retry: re-approved under a new token
  await h.settle();
  await h.bar(1, 101);
  const orders = (await h.orders()).filter((x) => x.clientOrderId === o.clientOrderId);
  t.is(orders.length, 1);
  t.is(h.venue.fills().length, 1);
  t.is((await h.riskStatus()).openOrders[PORTFOLIO_ID], 0);
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
});

test('partial fills by volume participation reach the portfolio one by one until the order is filled', async (t) => {
  const h = await orderPath(t, { venue: { maxParticipation: 0.01 } });
  const id = h.submit({ quantity: 25 });
  await h.settle();
  for (let minute = 1; minute <= 3; minute++) await h.bar(minute, 100, { volume: 1_000 }); // 10 a bar
  t.deepEqual(h.venue.fills().map((f) => f.quantity), [10, 10, 5]);
  const statuses = h.received<BrokerOrderUpdate>('broker.orderUpdate').filter((u) => u.order.clientOrderId === id).map((u) => u.order.status);
  t.deepEqual(statuses, ['submitted', 'accepted', 'partially_filled', 'partially_filled', 'filled']);
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
});

test('the order path spawns by kind name from plain, serialisable props', async (t) => {
  const backend = sqliteBackend();
  t.teardown(() => backend.cleanup());
  const store = await (await backend.createStorage()).open();
  const kinds = registerOrderPathKinds(new ActorKinds());
  t.deepEqual(kinds.list(), ['broker', 'portfolio', 'risk']);
  const { system, clock } = testSystem({ kinds });
  clock.advanceTo(START);
  t.teardown(async () => {
    await system.shutdown();
    await store.close();
  });
  attachPersistence(system, { journal: store.journal, snapshots: store.snapshots });
  const venue = new PaperVenue({ registry: new InstrumentRegistry(INSTRUMENTS), clock, mode: 'backtest' });
  attachOrderPath(system, { riskKey: KEY, venues: new Map([['paper', venue]]) });
  const props = JSON.parse(JSON.stringify({
    portfolio: { portfolioId: PORTFOLIO_ID, initialCash: 100_000 },
    broker: { brokerId: 'b1', venue: 'paper', riskIds: [RISK_ID], portfolioRef: { path: '/portfolio' } },
    risk: { riskId: RISK_ID, instruments: INSTRUMENTS, broker: { path: '/broker' }, portfolios: { [PORTFOLIO_ID]: { path: '/portfolio' } }, limits: { maxNotionalPerOrder: 20_000 } },
  })) as Record<string, unknown>;
  const portfolio = system.spawnKind('portfolio', 'portfolio', props.portfolio);
  system.spawnKind('broker', 'broker', props.broker);
  const risk = system.spawnKind('risk', 'risk', props.risk);
  const inbox: { type: string }[] = [];
  const strategy = system.spawn(StrategyStandIn, 'strategy', { risk, inbox });
  system.tell(risk, riskPriceUpdate('AAPL', PRICES.AAPL!, START));
  system.tell(risk, riskReturnsUpdate('AAPL', RETURNS.AAPL!));
  await system.settled(); // the risk actor has the portfolio's view (until then it denies UNKNOWN_PORTFOLIO)
  const denied = collect<RiskOrderDenied>(system, 'risk.orderDenied');
  system.tell(strategy, { type: 'standin.submit', order: order({ quantity: 300 }) }); // 30,000 > 20,000 configured
  system.tell(strategy, { type: 'standin.submit', order: order({ quantity: 10 }) });
  await system.settled();
  venue.onBar({ symbol: 'AAPL', interval: '1m', time: START + MINUTE, open: 100, high: 100, low: 100, close: 100, volume: 1e6 });
  await system.settled();
  t.is(denied[0]?.denial.code, 'NOTIONAL_EXCEEDS_MAX_PER_ORDER');
  t.is(venue.fills().length, 1);
  const reply = system.ask<PortfolioSnapshotReply>(portfolio, portfolioGetSnapshot(), 5_000);
  await system.settled();
  t.is((await reply).snapshot.positions.AAPL?.quantity, 10);
  t.true(inbox.some((m) => m.type === 'broker.fill'));
});

/** Buys, and sells what it bought as soon as the fill arrives (a take-profit placed from onFill). */
class SellOnFill extends Actor<Message, { readonly risk: ActorRef<RiskProtocol>; readonly inbox: Message[] }> {
  receive(msg: Message, ctx: ActorContext<Message>): void {
    if (msg.type === 'go') return ctx.tell(this.props.risk, riskSubmitOrder(order({ symbol: 'MSFT', quantity: 5 })));
    this.props.inbox.push(msg);
    if (msg.type !== 'broker.fill') return;
    const { fill } = msg as BrokerFill;
    if (fill.side === 'buy') ctx.tell(this.props.risk, riskSubmitOrder(order({ symbol: 'MSFT', side: 'sell', type: 'limit', limitPrice: 210, quantity: fill.quantity })));
  }
}

for (const dispatch of ['event-loop', 'manual'] as const) {
  test(`[${dispatch}] an order sent from a fill sees that fill's position: the portfolio hears of a fill before the strategy`, async (t) => {
    const h = await orderPath(t, { dispatch });
    const inbox: Message[] = [];
    const strategy = h.system.spawn(SellOnFill, 'sell-on-fill', { risk: h.risk, inbox });
    h.system.tell(strategy, { type: 'go' });
    await h.settle();
    await h.bar(1, 201, { symbol: 'MSFT' });
    // MSFT is not shortable: had the sell reached risk before the portfolio's update, it would be a short sale.
    t.deepEqual(inbox.filter((m) => m.type === 'risk.orderDenied'), []);
    const sells = (inbox.filter((m) => m.type === 'broker.orderUpdate') as BrokerOrderUpdate[]).filter((u) => u.order.order.side === 'sell');
    t.true(sells.length > 0 && sells.every((u) => u.order.status !== 'rejected'));
    t.deepEqual((await h.portfolioSnapshot()).positions.MSFT?.quantity, 5);
  });
}
