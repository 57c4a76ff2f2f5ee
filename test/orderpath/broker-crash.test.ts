import test from 'ava';
import { brokerReconcile } from '../../actors/broker/protocol.js';
import type { BrokerOrderUpdate } from '../../actors/broker/protocol.js';
import { collect } from '../helpers/system.js';
import type { Harness, HarnessOptions } from './harness.js';
import { assertPortfolioMatchesVenue, cleanupBackends, FaultyVenue, orderPath, PORTFOLIO_ID } from './harness.js';

test.after.always(cleanupBackends);

async function faultyPath(t: Parameters<typeof orderPath>[0], options: HarnessOptions = {}): Promise<{ h: Harness; venue: FaultyVenue }> {
  let venue!: FaultyVenue;
  const h = await orderPath(t, { ...options, wrapVenue: (paper) => (venue = new FaultyVenue(paper)) });
  return { h, venue };
}

function statuses(h: Harness, id: string): string[] {
  return h.received<BrokerOrderUpdate>('broker.orderUpdate').filter((u) => u.order.clientOrderId === id).map((u) => u.order.status);
}

interface CrashCase {
  readonly name: string;
  /** Arms the fault; the order is submitted after it. */
  readonly arm: (venue: FaultyVenue) => void;
  /** Runs once the order reached the broker: the default feeds the bar that fills it. */
  readonly after?: (h: Harness, venue: FaultyVenue) => Promise<void>;
}

const CRASHES: readonly CrashCase[] = [
  { name: 'after the journal write, before the venue sees the order', arm: (v) => (v.failNextSubmit = 'before') },
  { name: 'right after the venue accepted the order', arm: (v) => (v.failNextSubmit = 'after') },
  {
    name: 'while the venue reports the fill',
    arm: () => undefined,
    after: async (h, v) => {
      v.failNextBar = true;
      await h.bar(1, 101);
    },
  },
];

for (const dispatch of ['event-loop', 'manual'] as const) {
  for (const c of CRASHES) {
    test(`[${dispatch}] a broker that crashes ${c.name} is restarted by its supervisor and leaves no duplicate at the venue and no lost fill`, async (t) => {
      const { h, venue } = await faultyPath(t, { dispatch });
      const restarts = collect(h.system, 'actor.restarted');
      c.arm(venue);
      const id = h.submit();
      await h.settle();
      if (c.after !== undefined) await c.after(h, venue);
      else await h.bar(1, 101);
      await h.bar(2, 102); // anything still working fills here
      t.is(restarts.filter((e) => e.path === '/broker').length, 1, 'the supervisor restarted the broker once');
      t.is(venue.venueOrders(id), 1, 'exactly one venue order for the client order id');
      t.is(h.venue.fills().length, 1, 'the venue filled it once');
      t.is((await h.orders()).find((o) => o.clientOrderId === id)?.status, 'filled');
      t.is(statuses(h, id).at(-1), 'filled');
      assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
      t.is((await h.riskStatus()).openOrders[PORTFOLIO_ID], 0);
    });
  }
}

test('a broker crash with several orders in flight recovers every one of them exactly once', async (t) => {
  const { h, venue } = await faultyPath(t);
  const ids = [h.submit(), h.submit({ symbol: 'MSFT', quantity: 3 }), h.submit({ quantity: 2 })];
  await h.settle();
  await h.bar(1, 101);
  venue.failNextSubmit = 'before';
  ids.push(h.submit({ quantity: 4 }));
  ids.push(h.submit({ quantity: 5 }));
  await h.settle();
  await h.bar(2, 100);
  await h.bar(2, 200, { symbol: 'MSFT', high: 201, low: 199 });
  for (const id of ids) t.true(venue.venueOrders(id) <= 1, `no second venue order for ${id}`);
  t.is(h.venue.fills().length, 5);
  t.deepEqual(h.venue.fills().map((f) => f.clientOrderId).sort(), [...ids].sort());
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
});

test('a submit that times out stays in flight as ambiguous and is settled by the venue, never resubmitted under a new id', async (t) => {
  const { h, venue } = await faultyPath(t);
  venue.timeoutNextSubmit = 'placed';
  const id = h.submit();
  await h.settle();
  // The venue's acknowledgement arrives on its own: the order is no longer ambiguous.
  const order = (await h.orders()).find((o) => o.clientOrderId === id)!;
  t.is(order.status, 'accepted');
  t.false(order.ambiguous);
  await h.bar(1, 101);
  t.is(venue.venueOrders(id), 1);
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
});

test('an ambiguous submit that never reached the venue is sent again under the same id by reconciliation', async (t) => {
  const { h, venue } = await faultyPath(t);
  venue.timeoutNextSubmit = 'lost';
  const id = h.submit();
  await h.settle();
  const before = (await h.orders()).find((o) => o.clientOrderId === id)!;
  t.true(before.ambiguous);
  t.is(before.status, 'submitted');
  t.deepEqual(statuses(h, id), ['submitted', 'submitted']);
  h.system.tell(h.broker, brokerReconcile());
  await h.settle();
  await h.bar(1, 101);
  t.is(venue.venueOrders(id), 1);
  t.deepEqual(venue.submits.map((s) => s.clientOrderId), [id], 'the only order the venue ever got is the same client order id');
  t.is((await h.orders()).find((o) => o.clientOrderId === id)?.status, 'filled');
  assertPortfolioMatchesVenue(t, await h.portfolioSnapshot(), h.venue.fills());
});

test('an order whose approval expired before it reached the venue is rejected on recovery, not sent late', async (t) => {
  const { h, venue } = await faultyPath(t);
  venue.failNextSubmit = 'before';
  // The crash's restart waits out the supervisor's backoff only on a second failure: fail twice, and
  // let the approval lapse while the broker is down.
  const id = h.submit();
  await h.settle();
  t.is((await h.orders()).find((o) => o.clientOrderId === id)?.status, 'accepted', 'the first restart resubmitted it');
  venue.failNextSubmit = 'before';
  const late = h.submit({ quantity: 3 });
  await h.settle();
  // Second failure within the window: the restart waits for the backoff (100 ms by default) on the clock.
  h.clock.advance(10_000);
  await h.settle();
  t.is((await h.orders()).find((o) => o.clientOrderId === late)?.status, 'rejected');
  t.is(venue.venueOrders(late), 0);
  t.is(statuses(h, late).at(-1), 'rejected');
  t.is((await h.riskStatus()).openOrders[PORTFOLIO_ID], 1, 'only the first order is still open');
});
