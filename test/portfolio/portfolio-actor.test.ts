import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { Fill } from '../../actors/domain/fill.js';
import { PortfolioActor } from '../../actors/portfolio/portfolio-actor.js';
import type { PortfolioFillRejected, PortfolioUpdated } from '../../actors/portfolio/portfolio-actor.js';
import { unrealizedPnl } from '../../actors/portfolio/portfolio-state.js';
import type { PortfolioState } from '../../actors/portfolio/portfolio-state.js';
import { portfolioFill, portfolioGetSnapshot, portfolioMarkPrices } from '../../actors/portfolio/protocol.js';
import type { PortfolioProtocol, PortfolioSnapshotReply } from '../../actors/portfolio/protocol.js';
import type { BrokerReplayFills } from '../../actors/broker/protocol.js';
import { attachPersistence } from '../../persistence/persistent-actor.js';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef, ActorSystem, Message } from '../../runtime/index.js';
import { collect, seededRandom, testSystem } from '../helpers/system.js';
import { waitFor } from '../helpers/wait-for.js';
import { sqliteBackend } from '../persistence/backends.js';

const backend = sqliteBackend();
test.after.always(() => backend.cleanup());

async function setup(t: ExecutionContext, dispatch: 'event-loop' | 'manual' = 'event-loop'): Promise<{ system: ActorSystem; spawn: (props?: Record<string, unknown>) => ActorRef<PortfolioProtocol> }> {
  const store = await (await backend.createStorage()).open();
  const { system } = testSystem({ dispatch });
  t.teardown(async () => {
    await system.shutdown();
    await store.close();
  });
  attachPersistence(system, { journal: store.journal, snapshots: store.snapshots });
  return { system, spawn: (props = {}) => system.spawn(PortfolioActor, 'portfolio', { portfolioId: 'p1', initialCash: 100_000, ...props }) };
}

async function snapshotOf(system: ActorSystem, ref: ActorRef<PortfolioProtocol>): Promise<PortfolioSnapshotReply> {
  const reply = system.ask<PortfolioSnapshotReply>(ref, portfolioGetSnapshot(), 5_000);
  await system.settled();
  return reply;
}

let fillSeq = 0;
function fill(symbol: string, side: 'buy' | 'sell', quantity: number, price: number, fields: Partial<Fill> = {}): Fill {
  fillSeq += 1;
  return { fillId: `F${fillSeq}`, clientOrderId: `C${fillSeq}`, portfolioId: 'p1', symbol, side, quantity, price, commission: 1, time: 1_700_000_000_000 + fillSeq, venue: 'paper', ...fields };
}

function identityGaps(state: PortfolioState): { marked: number; pnl: number } {
  let positions = 0;
  for (const p of Object.values(state.positions)) positions += p.quantity * (state.marks[p.symbol]?.price ?? p.averageCost);
  return {
    marked: Math.abs(state.equity - (state.cash + positions)),
    pnl: Math.abs(state.equity - (state.initialCash + state.realizedPnl + unrealizedPnl(state) - state.commissions)),
  };
}

for (const dispatch of ['event-loop', 'manual'] as const) {
  test(`[${dispatch}] equity = cash + sum(quantity x mark) after every one of thousands of random fills and marks`, async (t) => {
    const { system, spawn } = await setup(t, dispatch);
    const updates = collect<PortfolioUpdated>(system, 'portfolio.updated');
    const ref = spawn({ snapshotEveryEvents: 500, snapshotEventsPerWeight: 2 });
    await system.settled();
    const random = seededRandom(7);
    const symbols = ['AAA', 'BBB', 'CCC', 'DDD'];
    const fills: Fill[] = [];
    for (let i = 0; i < 3_000; i++) {
      const symbol = symbols[Math.floor(random() * symbols.length)]!;
      const price = Math.round((20 + random() * 180) * 100) / 100;
      if (random() < 0.25) system.tell(ref, portfolioMarkPrices({ [symbol]: price }, 1_700_000_000_000 + i));
      const f = fill(symbol, random() < 0.5 ? 'buy' : 'sell', 1 + Math.floor(random() * 500), price, { commission: Math.round(random() * 300) / 100 });
      fills.push(f);
      system.tell(ref, portfolioFill(f));
      if (random() < 0.05) system.tell(ref, portfolioFill(f)); // a duplicate delivery
    }
    await system.settled();
    t.true(updates.length >= 3_000);
    let worst = 0;
    for (const u of updates) {
      const gaps = identityGaps(u.state);
      worst = Math.max(worst, gaps.marked / Math.max(1, Math.abs(u.state.equity)), gaps.pnl / Math.max(1, Math.abs(u.state.equity)));
    }
    t.true(worst < 1e-9, `largest relative identity gap ${worst}`);
    const { snapshot, exposure } = await snapshotOf(system, ref);
    t.is(snapshot.fillIds.length, fills.length, 'each fill booked once');
    const cash = fills.reduce((c, f) => c - (f.side === 'buy' ? 1 : -1) * f.quantity * f.price - f.commission, 100_000);
    t.true(Math.abs(snapshot.cash - cash) < 1e-6);
    t.true(exposure !== undefined && Math.abs(exposure.net - (snapshot.equity - snapshot.cash)) < 1e-6);
    // A new instance rebuilds the same books from the latest snapshot and the events after it.
    await system.stop(ref);
    const again = spawn({ snapshotEveryEvents: 500, snapshotEventsPerWeight: 2 });
    const recovered = await snapshotOf(system, again);
    const { equityHistory: _a, ...live } = snapshot;
    const { equityHistory: _b, ...back } = recovered.snapshot;
    t.deepEqual(back, live);
    t.true((system.inspectActor('/portfolio') as { recoveredFromSnapshotSeq: number }).recoveredFromSnapshotSeq > 0);
  });
}

test('a fill for another portfolio, or a malformed one, is refused with an event and not booked', async (t) => {
  const { system, spawn } = await setup(t);
  const rejected = collect<PortfolioFillRejected>(system, 'portfolio.fillRejected');
  const ref = spawn();
  system.tell(ref, portfolioFill(fill('AAA', 'buy', 10, 10, { portfolioId: 'p2' })));
  system.tell(ref, { type: 'portfolio.fill', fill: { ...fill('AAA', 'buy', 10, 10), quantity: -3 } });
  await system.settled();
  t.deepEqual(rejected.map((r) => r.problems.join('; ')), ['portfolioId p2 is not p1', 'quantity -3 is not a positive integer']);
  t.deepEqual((await snapshotOf(system, ref)).snapshot.fillIds, []);
});

/** Stands in for a broker: sends sequenced fills when told, and answers replay requests from its log. */
class FakeBroker extends Actor<Message, { readonly log: Fill[]; readonly requests: BrokerReplayFills[] }> {
  receive(msg: Message, ctx: ActorContext<Message>): void {
    if (msg.type === 'fake.send') {
      const { to, seq } = msg as unknown as { to: ActorRef; seq: number };
      ctx.tell(to, portfolioFill(this.props.log[seq - 1]!, 'b1', seq));
    } else if (msg.type === 'broker.replayFills') {
      const request = msg as BrokerReplayFills;
      this.props.requests.push(request);
      this.props.log.forEach((f, i) => {
        if (i + 1 > request.afterSeq) ctx.reply(portfolioFill(f, 'b1', i + 1));
      });
    }
  }
}

test("a fill that arrives after a gap in its broker's sequence waits for the replay of the missing one", async (t) => {
  const { system, spawn } = await setup(t);
  const ref = spawn();
  const log = [fill('AAA', 'buy', 100, 10), fill('AAA', 'sell', 100, 12)];
  const requests: BrokerReplayFills[] = [];
  const broker = system.spawn(FakeBroker, 'broker', { log, requests });
  system.tell(broker, { type: 'fake.send', to: ref, seq: 2 } as Message); // seq 1 was lost on the way
  await system.settled();
  t.deepEqual(requests.map((r) => r.afterSeq), [0]);
  const { snapshot } = await snapshotOf(system, ref);
  t.deepEqual(snapshot.fillIds, log.map((f) => f.fillId), 'both booked, in broker order');
  t.is(snapshot.positions.AAA?.quantity, 0);
  t.is(snapshot.realizedPnl, 200, 'the sell closed the buy: booked in order');
});

test('a restarted portfolio asks its brokers for the fills sent while it was down', async (t) => {
  const { system, spawn } = await setup(t);
  const log = [fill('AAA', 'buy', 100, 10), fill('AAA', 'buy', 50, 11), fill('AAA', 'sell', 20, 12)];
  const requests: BrokerReplayFills[] = [];
  const broker = system.spawn(FakeBroker, 'broker', { log, requests });
  let ref = spawn();
  system.tell(broker, { type: 'fake.send', to: ref, seq: 1 } as Message);
  await system.settled();
  await system.stop(ref);
  system.tell(broker, { type: 'fake.send', to: ref, seq: 2 } as Message); // to a stopped actor: a dead letter
  await system.settled();
  ref = spawn();
  await system.settled(); // recovery, the replay request and the broker's answer
  const { snapshot } = await snapshotOf(system, ref);
  t.deepEqual(requests.map((r) => r.afterSeq), [1]);
  t.deepEqual(snapshot.fillIds, log.map((f) => f.fillId));
  t.is(snapshot.positions.AAA?.quantity, 130);
});

test('the equity curve keeps its newest points within the bound, while peak and drawdown cover all of it', async (t) => {
  const { system, spawn } = await setup(t);
  const kept = 50;
  const ref = spawn({ equityPointsKept: kept });
  system.tell(ref, portfolioFill(fill('AAA', 'buy', 100, 10)));
  await system.settled();
  // A rise to a peak early on, then a long slide: the peak must outlive the points that showed it.
  const prices = [20, ...Array.from({ length: 500 }, (_, i) => 15 - i * 0.01)];
  for (const [i, price] of prices.entries()) system.tell(ref, portfolioMarkPrices({ AAA: price }, 1_800_000_000_000 + i));
  await system.settled();
  const { snapshot } = await snapshotOf(system, ref);
  t.true(snapshot.equityHistory.length >= kept && snapshot.equityHistory.length < 2 * kept, `kept ${snapshot.equityHistory.length} points`);
  const last = snapshot.equityHistory[snapshot.equityHistory.length - 1]!;
  t.deepEqual(last, { time: 1_800_000_000_000 + prices.length - 1, equity: snapshot.equity }, 'the newest point is the current equity');
  t.true(snapshot.equityHistory.every((p, i, all) => i === 0 || p.time > all[i - 1]!.time), 'the newest points, in order');
  t.is(snapshot.peakEquity, 100_000 - 1 + 100 * (20 - 10), 'the peak from before the kept window');
  t.true(snapshot.maxDrawdownPct > 0);
});

test('a bound on equity points below 1 is refused when the portfolio starts', async (t) => {
  const { system, spawn } = await setup(t);
  const failures = collect<{ type: string; error?: { message?: string } }>(system, 'supervisor.failed');
  spawn({ equityPointsKept: 0 });
  await system.settled();
  await waitFor('the refusal', () => failures.some((f) => /equity points kept must be at least 1, was 0/.test(JSON.stringify(f))), 10_000);
  t.pass();
});
