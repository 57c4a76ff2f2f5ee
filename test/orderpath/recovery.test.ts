import test from 'ava';
import { BrokerActor } from '../../actors/broker/broker-actor.js';
import type { BrokerJournalEvent } from '../../actors/broker/broker-books.js';
import type { BrokerSecurityEvent } from '../../actors/broker/protocol.js';
import { PortfolioActor } from '../../actors/portfolio/portfolio-actor.js';
import { riskPriceUpdate, riskReturnsUpdate } from '../../actors/risk/protocol.js';
import { RiskActor } from '../../actors/risk/risk-actor.js';
import type { RiskJournalEvent } from '../../actors/risk/risk-books.js';
import type { ActorRef } from '../../runtime/index.js';
import { collect } from '../helpers/system.js';
import type { Harness } from './harness.js';
import { assertPortfolioMatchesVenue, cleanupBackends, INSTRUMENTS, journaled, orderPath, PORTFOLIO_ID, PRICES, RETURNS, RISK_ID } from './harness.js';

test.after.always(cleanupBackends);

/** A new risk instance at the same path; market data is not journaled, so the feed sends it again. */
function respawnRisk(h: Harness, props: Record<string, unknown> = {}): ActorRef {
  const risk = h.system.spawn(RiskActor, 'risk', { riskId: RISK_ID, instruments: INSTRUMENTS, broker: h.broker, portfolios: { [PORTFOLIO_ID]: h.portfolio }, ...props });
  for (const { symbol } of INSTRUMENTS) {
    h.system.tell(risk, riskPriceUpdate(symbol, PRICES[symbol]!, h.clock.now()));
    h.system.tell(risk, riskReturnsUpdate(symbol, RETURNS[symbol]!));
  }
  return risk;
}

function respawnBroker(h: Harness, props: Record<string, unknown> = {}): ActorRef {
  return h.system.spawn(BrokerActor, 'broker', { brokerId: 'b1', venue: 'paper', riskIds: [RISK_ID], portfolioRef: h.portfolio, ...props });
}

test('a restarted risk actor signs above every sequence number it may have issued, so the broker takes its approvals', async (t) => {
  const h = await orderPath(t, { limits: {} });
  const security = collect<BrokerSecurityEvent>(h.system, 'broker.securityEvent');
  for (let i = 0; i < 3; i++) h.submit();
  await h.settle();
  await h.system.stop(h.risk);
  const risk = respawnRisk(h);
  await h.settle();
  // The stand-in still targets /risk: the new instance lives at the same path.
  const after = [h.submit(), h.submit()];
  await h.settle();
  t.deepEqual(security, [], 'no approval was refused as a replay');
  const opened = (await journaled<BrokerJournalEvent>(h.store, 'broker-b1')).flatMap((e) => (e.kind === 'opened' && 'order' in e ? [e] : []));
  const seqs = opened.map((e) => Number(e.tokenId.slice(`${RISK_ID}:`.length)));
  t.is(opened.length, 5);
  t.true(seqs[3]! > seqs[2]!, `sequence continues upwards: ${seqs.join(', ')}`);
  t.deepEqual(opened.slice(3).map((e) => e.order.clientOrderId), after);
  const reservations = (await journaled<RiskJournalEvent>(h.store, `risk-${RISK_ID}`)).filter((e) => e.kind === 'seqReserved');
  t.is(reservations.length, 2, 'one block reserved per start');
  void risk;
});

test('open orders and rate counts survive a risk restart', async (t) => {
  const h = await orderPath(t, { limits: { maxOpenOrders: 2 } });
  h.submit({ type: 'limit', limitPrice: 95 });
  h.submit({ type: 'limit', limitPrice: 94 });
  await h.settle();
  await h.system.stop(h.risk);
  respawnRisk(h, { limits: { maxOpenOrders: 2 } });
  await h.settle();
  t.deepEqual((await h.riskStatus()).openOrders, { [PORTFOLIO_ID]: 2 });
  const id = h.submit({ type: 'limit', limitPrice: 93 });
  await h.settle();
  t.is(h.received<{ type: string; order: { clientOrderId: string }; denial: { code: string } }>('risk.orderDenied').find((d) => d.order.clientOrderId === id)?.denial.code, 'MAX_OPEN_ORDERS_EXCEEDED');
});

test('a broker recovered from a snapshot and later events has the same book as the one that wrote them', async (t) => {
  // A short retention keeps the book small, so snapshots (spaced by their size) come early.
  const props = { snapshotEveryEvents: 3, snapshotEventsPerWeight: 2, retainTerminalOrders: 5, retainFills: 5 };
  const h = await orderPath(t, { brokerProps: props, limits: { maxOrdersPerStrategyPerWindow: 100, maxOrdersPerPortfolioPerWindow: 100 } });
  for (let i = 0; i < 30; i++) h.submit({ quantity: 1 + (i % 3) });
  h.submit({ type: 'limit', limitPrice: 95 });
  await h.settle();
  await h.bar(1, 101);
  for (let i = 0; i < 20; i++) h.submit({ side: 'sell', quantity: 1 + (i % 3) });
  await h.settle();
  await h.bar(2, 102);
  const before = await h.orders();
  await h.system.stop(h.broker);
  respawnBroker(h, props);
  await h.settle();
  const status = h.system.inspectActor('/broker') as { recoveredFromSnapshotSeq: number };
  t.true(status.recoveredFromSnapshotSeq > 0, 'recovery started from a snapshot');
  const after = await h.orders();
  t.deepEqual(after, before);
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
});

test('fills that happen while the broker is down are booked once when it comes back', async (t) => {
  const h = await orderPath(t);
  h.submit({ quantity: 7 });
  await h.settle();
  await h.system.stop(h.broker);
  h.venue.onBar({ symbol: 'AAPL', interval: '1m', time: h.clock.now() + 60_000, open: 100, high: 100, low: 100, close: 100, volume: 1e6 });
  respawnBroker(h);
  await h.settle();
  t.is(h.venue.fills().length, 1);
  t.is((await h.orders())[0]?.status, 'filled');
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
  t.deepEqual((await h.riskStatus()).openOrders, { [PORTFOLIO_ID]: 0 }, 'reconciliation closed it at the risk actor');
});

test('fills sent while the portfolio is down reach it when it comes back: no fill is lost', async (t) => {
  const h = await orderPath(t);
  h.submit({ quantity: 5 });
  await h.settle();
  await h.bar(1, 100);
  await h.system.stop(h.portfolio);
  h.submit({ side: 'sell', quantity: 2 });
  h.submit({ quantity: 4 });
  await h.settle();
  await h.bar(2, 101); // these fills go to a stopped portfolio: dead letters
  h.system.spawn(PortfolioActor, 'portfolio', { portfolioId: PORTFOLIO_ID, initialCash: 100_000 });
  await h.settle();
  t.is(h.venue.fills().length, 3);
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
});
