// At-least-once orders, in one process on a simulated clock: a real Strategy re-sends an unacknowledged
// order with the same client order id every orderRetryMs, the risk actor and the broker treat the re-send
// as the same order, and nothing reaches the venue twice. A tap between the strategy and the risk actor
// loses submits or answers on request, as a dying node or a NATS outage would.
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { Bar } from '../../actors/domain/bar.js';
import type { OrderRequest } from '../../actors/domain/order.js';
import type { Denial } from '../../actors/risk/denial.js';
import { Strategy, DEFAULT_ORDER_ACK_TIMEOUT_MS, DEFAULT_ORDER_RETRY_MS, ORDER_UNACKNOWLEDGED } from '../../actors/strategy/strategy.js';
import type { OrderUnacknowledged } from '../../actors/strategy/strategy.js';
import type { StrategyStatus } from '../../actors/strategy/protocol.js';
import { defineParams } from '../../actors/strategy/params.js';
import { Actor } from '../../runtime/index.js';
import type { ActorContext, ActorRef, Message } from '../../runtime/index.js';
import { brokerMarketBar } from '../../actors/broker/protocol.js';
import { FaultyVenue, MINUTE, orderPath, START, cleanupBackends } from '../orderpath/harness.js';
import type { Harness } from '../orderpath/harness.js';

test.after.always(cleanupBackends);

/** What the tap loses: the next `submits` submits, the next `replies` answers. */
interface TapPlan {
  submits: number;
  replies: number;
  readonly seen: string[];
}

/** Stands between the strategy and the risk actor, in both directions, and loses messages by plan. */
class Tap extends Actor<Message, { readonly risk: ActorRef; readonly plan: TapPlan }> {
  #strategy: ActorRef | undefined;
  receive(msg: Message, ctx: ActorContext): void {
    const plan = this.props.plan;
    if (msg.type === 'risk.submitOrder') {
      this.#strategy = ctx.sender;
      plan.seen.push((msg as unknown as { order: OrderRequest }).order.clientOrderId);
      if (plan.submits > 0) return void plan.submits--;
      return ctx.system.tell(this.props.risk, msg, ctx.self);
    }
    if (plan.replies > 0) return void plan.replies--;
    if (this.#strategy !== undefined) ctx.tell(this.#strategy, msg);
  }
}

/** Denials each test strategy heard, by strategy id. */
const denials = new Map<string, Array<Denial | OrderUnacknowledged>>();
let strategySeq = 0;

/** Buys 10 AAPL at market on its first bar, then nothing. */
class BuyOnce extends Strategy {
  static readonly kind = 'test-buy-once';
  static readonly description = 'Test: one market buy';
  static readonly params = defineParams(BuyOnce.kind, {});
  #done = false;
  override onBar(bar: Bar): void {
    if (this.#done) return;
    this.#done = true;
    this.buy(bar.symbol, 10);
  }
  override onOrderDenied(order: OrderRequest, denial: Denial | OrderUnacknowledged): void {
    denials.get(order.strategyId)?.push(denial);
  }
}

interface Setup {
  readonly h: Harness;
  readonly venue: FaultyVenue;
  readonly plan: TapPlan;
  readonly strategy: ActorRef;
  /** What the strategy's onOrderDenied received. */
  readonly denials: Array<Denial | OrderUnacknowledged>;
  /** A bar to the strategy and the venue, `afterMs` after START (the clock moves there). */
  bar(afterMs: number, open: number): Promise<void>;
  status(): Promise<StrategyStatus>;
}

async function setup(t: ExecutionContext, plan: Omit<TapPlan, 'seen'>, dispatch: 'event-loop' | 'manual' = 'event-loop'): Promise<Setup> {
  let venue!: FaultyVenue;
  const h = await orderPath(t, { dispatch, wrapVenue: (v) => (venue = new FaultyVenue(v)) });
  const tapPlan: TapPlan = { ...plan, seen: [] };
  const tap = h.system.spawn(Tap, 'tap', { risk: h.risk, plan: tapPlan });
  const strategyId = `s${++strategySeq}`;
  const heard: Array<Denial | OrderUnacknowledged> = [];
  denials.set(strategyId, heard);
  const strategy = h.system.spawn(BuyOnce, 'buy-once', { strategyId, portfolioId: 'p1', symbols: ['AAPL'], risk: tap });
  await h.settle();
  return {
    h, venue, plan: tapPlan, strategy, denials: heard,
    async bar(afterMs, open) {
      const bar: Bar = { symbol: 'AAPL', interval: '1m', time: START + afterMs, open, high: open + 1, low: open - 1, close: open, volume: 1_000_000 };
      if (h.clock.now() < bar.time) h.clock.advanceTo(bar.time);
      h.system.tell(strategy, { type: 'market.bar', bar });
      h.system.tell(h.broker, brokerMarketBar(bar));
      await h.settle();
    },
    async status() {
      const reply = h.system.ask<StrategyStatus>(strategy, { type: 'strategy.getStatus' }, 5_000);
      await h.settle();
      return reply;
    },
  };
}

/** Advances the simulated clock by `ms` and lets everything run. */
async function advance(s: Setup, ms: number): Promise<void> {
  s.h.clock.advance(ms);
  await s.h.settle();
}

for (const dispatch of ['event-loop', 'manual'] as const) {
  test(`a lost submit is sent again with the same client order id and reaches the venue once (${dispatch} dispatch)`, async (t) => {
    const s = await setup(t, { submits: 1, replies: 0 }, dispatch);
    await s.bar(MINUTE, 100);
    t.is(s.venue.submits.length, 0, 'the first submit was lost');
    await advance(s, DEFAULT_ORDER_RETRY_MS);
    await s.bar(MINUTE + DEFAULT_ORDER_RETRY_MS + 1_000, 101);
    t.is(s.plan.seen.length, 2);
    t.is(s.plan.seen[0], s.plan.seen[1], 'the re-send carries the same client order id');
    t.is(s.venue.venueOrders(s.plan.seen[0]!), 1);
    t.like(await s.status(), { ordersSubmitted: 1, fills: 1, openOrders: 0, positions: { AAPL: 10 } });
    await advance(s, 10 * DEFAULT_ORDER_RETRY_MS);
    t.is(s.plan.seen.length, 2, 'nothing is re-sent once acknowledged');
  });
}

test('an order whose answers were all lost is re-sent, the broker answers from memory, and the risk actor does not keep it open', async (t) => {
  const s = await setup(t, { submits: 0, replies: 1_000 });
  await s.bar(MINUTE, 100);
  await s.bar(MINUTE + 1_000, 101); // fills at the venue; the strategy hears nothing
  t.is(s.h.venue.fills().length, 1);
  t.deepEqual((await s.h.riskStatus()).openOrders, { p1: 0 });
  s.plan.replies = 0;
  await advance(s, DEFAULT_ORDER_RETRY_MS);
  t.is(s.plan.seen.length, 2, 'sent again');
  t.is(s.venue.venueOrders(s.plan.seen[0]!), 1, 'the venue got it once');
  const status = await s.status();
  t.like(status, { openOrders: 0, ordersDenied: 0 }, 'the broker\'s answer (the filled order) acknowledged it');
  t.deepEqual((await s.h.riskStatus()).openOrders, { p1: 0 }, 'the re-approved order was closed again at the risk actor');
  t.is(s.h.received('broker.securityEvent').length, 0);
  await advance(s, 10 * DEFAULT_ORDER_RETRY_MS);
  t.is(s.plan.seen.length, 2);
});

test('an order nothing ever acknowledges is given up after orderAckTimeoutMs with ORDER_UNACKNOWLEDGED', async (t) => {
  const s = await setup(t, { submits: Number.POSITIVE_INFINITY, replies: 0 });
  await s.bar(MINUTE, 100);
  for (let elapsed = 0; elapsed < DEFAULT_ORDER_ACK_TIMEOUT_MS; elapsed += DEFAULT_ORDER_RETRY_MS) await advance(s, DEFAULT_ORDER_RETRY_MS);
  const attempts = DEFAULT_ORDER_ACK_TIMEOUT_MS / DEFAULT_ORDER_RETRY_MS;
  t.is(s.plan.seen.length, attempts, `sent every ${DEFAULT_ORDER_RETRY_MS} ms until ${DEFAULT_ORDER_ACK_TIMEOUT_MS} ms`);
  t.is(new Set(s.plan.seen).size, 1);
  t.is(s.denials.length, 1);
  t.is(s.denials[0]!.code, ORDER_UNACKNOWLEDGED);
  t.is(s.denials[0]!.message, `${ORDER_UNACKNOWLEDGED}: attempts=${attempts}, ageMs=${DEFAULT_ORDER_ACK_TIMEOUT_MS}`);
  t.like(await s.status(), { openOrders: 0, ordersDenied: 1 });
  t.is(s.venue.submits.length, 0);
});
