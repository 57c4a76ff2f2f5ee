// Three real node processes, a three-server NATS cluster and PostgreSQL, one cluster per test, one test at
// a time (two clusters at once would starve a small machine's heartbeats):
// - the cluster's units are placed by role, and when the trading node is SIGKILLed the desk (portfolio,
//   broker, risk, feeder) serves again from a survivor, with the portfolio recovered from the journal;
// - chaos: a strategy keeps trading through the desk while the node hosting it is SIGKILLed and restarted
//   several times and a NATS server is killed, over a venue that outlives every node (the fake TWS peer in
//   this process): no order reaches the venue twice and the portfolio equals the venue's fill log.
import test from 'ava';
import type { BrokerJournalEvent } from '../../actors/broker/broker-books.js';
import type { RiskStatus } from '../../actors/risk/protocol.js';
import { DEFAULT_ORDER_RETRY_MS } from '../../actors/strategy/strategy.js';
import type { ClusterEvent } from '../../runtime/cluster/index.js';
import { FakeTws } from '../helpers/fake-tws/index.js';
import { ACCOUNT, booksFromExecutions, duplicateOrders, ibSection, ordersAtVenue, positionsOf } from './chaos.js';
import { FIXTURE_MAIN, NODE_MAIN, TestCluster, waitFor } from './support.js';

let cluster: TestCluster | undefined;
let tws: FakeTws | undefined;

test.afterEach.always(async () => {
  await cluster?.stop();
  cluster = undefined;
});

test.after.always(async () => {
  await tws?.stop();
});

test.serial('units are placed by role, and a SIGKILLed trading node\'s desk serves again from a survivor with its portfolio', async (t) => {
  cluster = await TestCluster.start({
    entry: NODE_MAIN,
    barEveryMs: 150,
    config: {
      broker: { kind: 'paper' },
      symbols: ['AAPL', 'MSFT'],
      strategies: [{ id: 'sma-fast', kind: 'sma-cross', symbols: ['AAPL', 'MSFT'], params: { fast: 2, slow: 3, notional: 5_000 } }],
      riskLimits: { maxPostTradeVar: null },
    },
  });
  const c = cluster;
  await c.startAll();
  const placed = await waitFor('every unit assigned', () => {
    const where = { market: c.nodeOf('market', 'market'), desk: c.nodeOf('desk', 'desk'), strategy: c.nodeOf('strategy.sma-cross', 'sma-fast'), optimizer: c.nodeOf('optimizer', 'optimizer') };
    return Object.values(where).every((n) => n !== undefined) ? where : undefined;
  });
  t.deepEqual(placed, { market: 'data-1', desk: 'trading-1', strategy: 'gpu-1', optimizer: 'gpu-1' });
  await c.nodes.get('trading-1')!.waitFor('the desk started', (l) => l.event === 'cluster.actorActivated' && l.id === 'desk/desk');

  // The strategy on gpu-1 trades through the desk on trading-1 (market data from data-1).
  await waitFor('fills in the portfolio', async () => ((await c.portfolio().catch(() => undefined))?.fillIds.length ?? 0) >= 4, 60_000);
  const before = await c.portfolio();
  t.true(before.fillIds.length >= 4);
  // The live model runs ahead of its journal (a fill is booked, then written behind). The promise is that
  // what is written survives, so the kill waits until the fills read above are in the journal: one still
  // in flight at a SIGKILL dies with the node's in-process paper venue, which cannot report it again.
  await waitFor('the fills read before the kill journaled', async () => {
    const journaled = new Set<string>();
    for await (const entry of c.store.journal.read('portfolio-main')) {
      const event = entry.event as { kind?: string; fill?: { fillId?: string } };
      if (event.kind === 'filled' && event.fill?.fillId !== undefined) journaled.add(event.fill.fillId);
    }
    return before.fillIds.every((id) => journaled.has(id));
  }, 30_000);

  const seen: string[] = [];
  const t0 = performance.now();
  const off = c.client.system.events.subscribe<ClusterEvent>(['cluster.nodeDown', 'cluster.actorPlaced'], (e) => {
    if (e.type === 'cluster.nodeDown') seen.push(`+${(performance.now() - t0).toFixed(0)} ms ${e.node} down (${e.reason})`);
  });
  const offTable = c.client.table.onChange((id, v) => {
    if (id === 'desk/desk' && v !== undefined) seen.push(`+${(performance.now() - t0).toFixed(0)} ms desk -> ${v.entry.node} epoch ${v.entry.epoch}`);
  });
  await c.nodes.get('trading-1')!.kill();
  const after = await waitFor('the portfolio answering from a survivor', async () => {
    if (c.nodeOf('desk', 'desk') === 'trading-1') return undefined;
    return c.portfolio(500).catch(() => undefined);
  }, 30_000, 20);
  const failoverMs = performance.now() - t0;
  off();
  offTable();
  t.log(`failover of the desk after SIGKILL of trading-1: ${failoverMs.toFixed(0)} ms (first portfolio answer from ${c.nodeOf('desk', 'desk')})`);
  for (const line of seen) t.log(`  ${line}`);

  t.is(c.nodeOf('desk', 'desk'), 'gpu-1', 'the desk falls back to the gpu node when no trading node is up');
  t.is(c.client.table.get('desk', 'desk')?.epoch, 2);
  for (const id of before.fillIds) t.true(after.fillIds.includes(id), `fill ${id} survived the failover`);
  t.is(after.initialCash, before.initialCash);
  t.log(`portfolio: ${before.fillIds.length} fills before the kill, ${after.fillIds.length} recovered on ${c.nodeOf('desk', 'desk')}`);
  t.is(await c.store.journal.currentEpoch('portfolio-main'), 2);

  // The whole desk moved: the risk actor answers from the same node, recovered from its journal. (With the
  // paper venue, which lives in the node's process, orders working at the kill died with it; the chaos
  // test shows trading carrying on over a venue that outlives the node.)
  const risk = await c.ask<RiskStatus>('/desk/risk', { type: 'risk.getStatus' });
  t.is(risk.tradingState, 'ACTIVE');
  t.is(await c.store.journal.currentEpoch('risk-risk'), 2);
  t.is(await c.store.journal.currentEpoch('broker-paper'), 2);
});

test.serial('chaos: a strategy keeps trading while the desk\'s node is SIGKILLed and restarted three times and a NATS server dies; no order reaches the venue twice and the portfolio equals the venue\'s fill log', async (t) => {
  // The venue outlives every node: each fills a limit order at once, at its limit.
  tws = new FakeTws({ accounts: [ACCOUNT], script: { onPlaceOrder: (o, peer) => { peer.accept(o); peer.fill(o, { quantity: o.totalQuantity, price: o.lmtPrice ?? 100 }); } } });
  await tws.start();
  const venue = tws;
  cluster = await TestCluster.start({
    entry: FIXTURE_MAIN,
    barEveryMs: 200,
    env: { BIFROST_IB_ACCOUNT: ACCOUNT },
    config: {
      broker: { kind: 'ib', ib: ibSection(venue.port) },
      symbols: ['AAPL', 'MSFT'],
      strategies: [{ id: 'flip-1', kind: 'test-flip', symbols: ['AAPL', 'MSFT'], params: { quantity: 1 } }],
      riskLimits: { maxPostTradeVar: null },
    },
  });
  const c = cluster;
  await c.startAll();
  await waitFor('orders at the venue', () => ordersAtVenue(venue) >= 4, 60_000);

  const failovers: string[] = [];
  for (let round = 1; round <= 3; round++) {
    if (round === 2) {
      await c.nats.kill(2);
      t.log(`round ${round}: killed nats-server ${c.config.natsServers[2]!.name} (stays down)`);
    }
    const host = c.nodeOf('desk', 'desk')!;
    const before = ordersAtVenue(venue);
    const killedAt = performance.now();
    await c.nodes.get(host)!.kill();
    await waitFor('the desk answering from a survivor', async () => {
      const now = c.nodeOf('desk', 'desk');
      return now !== undefined && now !== host && (await c.portfolio(500).catch(() => undefined)) !== undefined;
    }, 60_000, 20);
    const failoverMs = performance.now() - killedAt;
    await waitFor('orders reaching the venue again', () => ordersAtVenue(venue) >= before + 3, 60_000);
    failovers.push(`${failoverMs.toFixed(0)} ms`);
    t.log(`round ${round}: SIGKILL of ${host} (desk host); desk served from ${c.nodeOf('desk', 'desk')} after ${failoverMs.toFixed(0)} ms, trading again after ${(performance.now() - killedAt).toFixed(0)} ms`);
    await c.startNode(host).ready();
  }
  const afterRounds = ordersAtVenue(venue);
  await waitFor('trading after the last restart', () => ordersAtVenue(venue) >= afterRounds + 3, 60_000);

  // Stop trading, then let every fill settle into the portfolio.
  await c.client.unplace('strategy.test-flip', 'flip-1');
  await waitFor('the strategy stopped', () => c.nodeOf('strategy.test-flip', 'flip-1') === undefined && c.client.table.get('strategy.test-flip', 'flip-1') === undefined, 30_000);
  await new Promise((r) => setTimeout(r, 1_000)); // the last re-sends land
  const executions = venue.executions();
  const snapshot = await waitFor('the portfolio holding every venue fill', async () => {
    const s = await c.portfolio(1_000).catch(() => undefined);
    return s !== undefined && s.fillIds.length === venue.executions().length ? s : undefined;
  }, 60_000, 100);
  // Orders that reached the risk actor only through a re-send: approved 2 s or more after they were created.
  const created = new Map<string, number>();
  for await (const entry of c.store.journal.read('broker-ib')) {
    const event = entry.event as BrokerJournalEvent;
    if (event.kind === 'opened' && 'order' in event) created.set(event.order.clientOrderId, event.order.createdAt);
  }
  let resent = 0;
  for await (const entry of c.store.journal.read('risk-risk')) {
    const event = entry.event as { kind?: string; clientOrderId?: string; time?: number };
    if (event.kind === 'approved' && event.time! - (created.get(event.clientOrderId!) ?? event.time!) >= DEFAULT_ORDER_RETRY_MS) resent++;
  }
  t.log(`orders at the venue: ${ordersAtVenue(venue)}, executions: ${venue.executions().length}, portfolio fills: ${snapshot.fillIds.length}; orders that got through only by a re-send: ${resent}; failovers: ${failovers.join(', ')}`);
  t.deepEqual(duplicateOrders(venue), [], 'no client order id reached the venue twice');
  t.is(new Set(snapshot.fillIds).size, snapshot.fillIds.length, 'no fill is in the portfolio twice');
  t.deepEqual([...snapshot.fillIds].sort(), venue.executions().map((e) => e.execId).sort(), 'every venue fill is in the portfolio');
  const expected = booksFromExecutions(venue, snapshot.initialCash);
  t.deepEqual(positionsOf(snapshot), expected.positions, 'positions equal the venue fill log');
  t.true(Math.abs(snapshot.cash - expected.cash) < 1e-6, `cash ${snapshot.cash} equals ${expected.cash} from the venue fill log`);
  t.true(executions.length >= 10);
  const risk = await waitFor('no order left open at the risk actor', async () => {
    const status = await c.ask<RiskStatus>('/desk/risk', { type: 'risk.getStatus' }).catch(() => undefined);
    return status !== undefined && (status.openOrders.main ?? 0) === 0 ? status : undefined;
  }, 30_000, 200);
  t.is(risk.tradingState, 'ACTIVE');
});
