import test from 'ava';
import { VenueUnavailableError } from '../../actors/broker/errors.js';
import { OrderBook } from '../../actors/broker/order-book.js';
import { PaperVenue } from '../../actors/broker/paper-venue.js';
import type { PaperVenueOptions } from '../../actors/broker/paper-venue.js';
import type { VenueOrder, VenueReport } from '../../actors/broker/venue.js';
import { ManualClock } from '../../actors/broker/venue-clock.js';
import type { Bar } from '../../actors/domain/bar.js';
import { InstrumentRegistry } from '../../actors/domain/instrument.js';

const registry = new InstrumentRegistry([
  { symbol: 'AAPL', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true },
  { symbol: 'LOT', tickSize: 0.01, lotSize: 100, currency: 'USD', tradable: true },
]);
const MIN = 60_000;

function bar(minute: number, open: number, high: number, low: number, close: number, volume = 1_000_000, symbol = 'AAPL'): Bar {
  return { symbol, interval: '1m', time: minute * MIN, open, high, low, close, volume };
}

let seq = 0;
function order(fields: Partial<VenueOrder>): VenueOrder {
  seq += 1;
  return { clientOrderId: `c${seq}`, portfolioId: 'p1', symbol: 'AAPL', side: 'buy', type: 'market', quantity: 100, tif: 'gtc', ...fields };
}

function setup(options: Partial<PaperVenueOptions> = {}) {
  const clock = new ManualClock(0);
  const venue = new PaperVenue({ registry, clock, mode: 'backtest', ...options });
  const reports: VenueReport[] = [];
  venue.onReport((r) => reports.push(r));
  const kinds = () => reports.map((r) => r.kind);
  const prices = () => venue.fills().map((f) => f.price);
  return { clock, venue, reports, kinds, prices };
}

test('a market order fills at the open of the next bar, not at the bar before it', async (t) => {
  const { clock, venue, kinds, prices } = setup();
  clock.advanceTo(MIN);
  await venue.submit(order({}));
  t.deepEqual(kinds(), ['accepted']);
  venue.onBar(bar(0, 90, 91, 89, 90)); // started before the order arrived
  t.deepEqual(prices(), []);
  venue.onBar(bar(1, 100, 101, 99, 100.5));
  t.deepEqual(kinds(), ['accepted', 'fill']);
  t.deepEqual(prices(), [100]);
  const fill = venue.fills()[0]!;
  t.is(fill.time, MIN);
  t.is(fill.leavesQuantity, 0);
  t.is(fill.commission, 1); // 100 x 0.005 = 0.50, raised to the 1.00 minimum
});

test('slippage moves market fills against the taker and bps commission is charged on the notional', async (t) => {
  // buy 100 at 100 + 10 bps = 100.10 -> notional 10,010, 5 bps = 5.005 -> 5.01
  // sell 100 at 100 - 10 bps = 99.90 -> notional 9,990, 5 bps = 4.995 -> 5.00
  const { venue, prices } = setup({ slippageBps: 10, commission: { kind: 'bps', bps: 5, minimumPerOrder: 1 } });
  await venue.submit(order({}));
  await venue.submit(order({ side: 'sell' }));
  venue.onBar(bar(1, 100, 101, 99, 100));
  t.deepEqual(prices(), [100.1, 99.9]);
  t.deepEqual(venue.fills().map((f) => f.commission), [5.01, 5]);
});

test('a buy limit fills when the low reaches it, at the better of open and limit', async (t) => {
  const { venue, prices } = setup();
  await venue.submit(order({ type: 'limit', limitPrice: 99.5 }));
  await venue.submit(order({ type: 'limit', limitPrice: 99.5 }));
  venue.onBar(bar(1, 100, 100.5, 99.6, 100));
  t.deepEqual(prices(), []);
  venue.onBar(bar(2, 99.8, 100, 99.4, 99.9));
  t.deepEqual(prices(), [99.5, 99.5]);
  await venue.submit(order({ type: 'limit', limitPrice: 99.5 }));
  venue.onBar(bar(3, 99, 99.2, 98.5, 99)); // gapped below the limit: the open is better
  t.deepEqual(prices(), [99.5, 99.5, 99]);
});

test('a sell limit fills when the high reaches it', async (t) => {
  const { venue, prices } = setup();
  await venue.submit(order({ side: 'sell', type: 'limit', limitPrice: 101 }));
  venue.onBar(bar(1, 100.5, 101.2, 100, 101));
  t.deepEqual(prices(), [101]);
});

test('stops trigger on the high or low and fill at the worse of open and stop, with slippage', async (t) => {
  const { venue, prices } = setup({ slippageBps: 10 });
  await venue.submit(order({ type: 'stop', stopPrice: 101 }));
  await venue.submit(order({ side: 'sell', type: 'stop', stopPrice: 99 }));
  venue.onBar(bar(1, 100, 100.9, 99.1, 100));
  t.deepEqual(prices(), []);
  venue.onBar(bar(2, 100, 101.5, 98.5, 100));
  // buy: 101 x 1.001 = 101.101 -> 101.10; sell: 99 x 0.999 = 98.901 -> 98.90
  t.deepEqual(prices(), [101.1, 98.9]);
  await venue.submit(order({ type: 'stop', stopPrice: 101 }));
  venue.onBar(bar(3, 102, 103, 101.5, 102.5)); // gap above the stop: 102 x 1.001 = 102.102 -> 102.10
  t.deepEqual(prices(), [101.1, 98.9, 102.1]);
});

test('a stop-limit that gaps through its limit rests as a limit order', async (t) => {
  const { venue, prices, kinds } = setup();
  await venue.submit(order({ type: 'stop_limit', stopPrice: 101, limitPrice: 101.5 }));
  venue.onBar(bar(1, 102, 103, 101.8, 102));
  t.deepEqual(prices(), []);
  venue.onBar(bar(2, 101.6, 101.9, 101.2, 101.4));
  t.deepEqual(prices(), [101.5]);
  await venue.submit(order({ type: 'stop_limit', stopPrice: 101, limitPrice: 101.5 }));
  venue.onBar(bar(3, 100, 101.2, 99.8, 101)); // triggers at 101, within the limit
  t.deepEqual(prices(), [101.5, 101]);
  t.deepEqual(kinds(), ['accepted', 'fill', 'accepted', 'fill']);
});

test('participation caps fills per bar and the commission minimum is paid once per order', async (t) => {
  // 10% of 3,000 = 300 per bar: 300, 300, 300, 100. Cumulative commission 1.50, 3.00, 4.50, 5.00.
  const { venue } = setup({ maxParticipation: 0.1 });
  await venue.submit(order({ quantity: 1_000 }));
  for (let m = 1; m <= 5; m += 1) venue.onBar(bar(m, 100 + m, 102 + m, 99 + m, 100 + m, 3_000));
  const fills = venue.fills();
  t.deepEqual(fills.map((f) => f.quantity), [300, 300, 300, 100]);
  t.deepEqual(fills.map((f) => f.price), [101, 102, 103, 104]);
  t.deepEqual(fills.map((f) => f.leavesQuantity), [700, 400, 100, 0]);
  t.deepEqual(fills.map((f) => f.commission), [1.5, 1.5, 1.5, 0.5]);
});

test('orders on the same bar share its capacity in arrival order, in whole lots', async (t) => {
  const { venue } = setup({ maxParticipation: 0.1 });
  const first = order({ symbol: 'LOT', quantity: 200 });
  const second = order({ symbol: 'LOT', quantity: 200 });
  await venue.submit(first);
  await venue.submit(second);
  venue.onBar(bar(1, 10, 10, 10, 10, 3_550, 'LOT')); // 355 -> 300
  t.deepEqual(venue.fills().map((f) => [f.clientOrderId, f.quantity]), [[first.clientOrderId, 200], [second.clientOrderId, 100]]);
});

test('an unknown symbol is rejected and never fills', async (t) => {
  const { venue, reports } = setup();
  const o = order({ symbol: 'ZZZ' });
  t.deepEqual(await venue.submit(o), { outcome: 'sent' });
  t.deepEqual(reports, [{ kind: 'rejected', clientOrderId: o.clientOrderId, reason: 'UNKNOWN_SYMBOL: symbol=ZZZ', time: 0 }]);
  t.deepEqual(await venue.openOrders(), []);
});

test('an order off the lot size is rejected', async (t) => {
  const { venue, kinds } = setup();
  await venue.submit(order({ symbol: 'LOT', quantity: 150 }));
  t.deepEqual(kinds(), ['rejected']);
});

test('a duplicate submit does not create a second venue order', async (t) => {
  const { venue, kinds } = setup();
  const o = order({});
  await venue.submit(o);
  const again = await venue.submit({ ...o });
  t.deepEqual(again, { outcome: 'duplicate', venueOrderId: 'paper-0-1' });
  t.is((await venue.openOrders()).length, 1);
  venue.onBar(bar(1, 100, 101, 99, 100));
  t.deepEqual(kinds(), ['accepted', 'fill']);
  t.is(venue.fills().length, 1);
});

test('submitNow answers at once as submit does: sent, duplicate, or a throw while disconnected', async (t) => {
  const { venue, kinds } = setup();
  const o = order({});
  t.deepEqual(venue.submitNow(o), { outcome: 'sent' });
  t.deepEqual(venue.submitNow({ ...o }), { outcome: 'duplicate', venueOrderId: 'paper-0-1' });
  venue.onBar(bar(1, 100, 101, 99, 100));
  t.deepEqual(kinds(), ['accepted', 'fill']);
  await venue.close();
  t.throws(() => venue.submitNow(order({})), { instanceOf: VenueUnavailableError });
  t.is(venue.fills().length, 1);
});

test('in live mode orders match the current quote after the entry latency', async (t) => {
  const { clock, venue, kinds, prices } = setup({ mode: 'live', latencyMs: 50 });
  venue.onQuote({ symbol: 'AAPL', time: 0, bid: 99.9, ask: 100.1 });
  await venue.submit(order({}));
  await venue.submit(order({ type: 'limit', limitPrice: 100 }));
  t.deepEqual(kinds(), []);
  clock.advance(49);
  t.deepEqual(kinds(), []);
  clock.advance(1);
  t.deepEqual(kinds(), ['accepted', 'fill', 'accepted']);
  t.deepEqual(prices(), [100.1]);
  t.is(venue.fills()[0]!.time, 50);
  venue.onQuote({ symbol: 'AAPL', time: 70, bid: 99.9, ask: 99.95 });
  t.deepEqual(prices(), [100.1, 99.95]);
});

test('a cancel removes a working order; a filled or unknown order cannot be canceled', async (t) => {
  const { venue, reports } = setup();
  const resting = order({ type: 'limit', limitPrice: 90 });
  const done = order({});
  await venue.submit(resting);
  await venue.submit(done);
  venue.onBar(bar(1, 100, 101, 99, 100));
  await venue.cancel(resting.clientOrderId);
  await venue.cancel(done.clientOrderId);
  await venue.cancel('nope');
  t.deepEqual(reports.slice(-3).map((r) => [r.kind, 'reason' in r ? r.reason : undefined]), [
    ['canceled', 'REQUESTED'],
    ['cancel_rejected', 'ORDER_DONE'],
    ['cancel_rejected', 'UNKNOWN_ORDER'],
  ]);
  venue.onBar(bar(2, 80, 81, 79, 80));
  t.is(venue.fills().length, 1);
});

test('day orders expire at the session close, good-till-canceled ones stay', async (t) => {
  const { venue, reports } = setup();
  const day = order({ type: 'limit', limitPrice: 90, tif: 'day' });
  await venue.submit(day);
  await venue.submit(order({ type: 'limit', limitPrice: 90 }));
  venue.expireDayOrders();
  t.deepEqual(reports.filter((r) => r.kind === 'expired').map((r) => r.clientOrderId), [day.clientOrderId]);
  t.is((await venue.openOrders()).length, 1);
});

test('executions since a cursor return only the newer fills', async (t) => {
  const { venue } = setup();
  await venue.submit(order({}));
  venue.onBar(bar(1, 100, 101, 99, 100));
  const first = await venue.executionsSince(null);
  await venue.submit(order({}));
  venue.onBar(bar(2, 100, 101, 99, 100));
  const next = await venue.executionsSince(first.cursor);
  t.is(first.executions.length, 1);
  t.deepEqual(next.executions.map((f) => f.fillId), ['paper-0-E2']);
});

test('a closed venue refuses submits as unavailable', async (t) => {
  const { venue } = setup();
  const statuses: string[] = [];
  venue.onStatus((s) => statuses.push(s));
  await venue.close();
  await t.throwsAsync(venue.submit(order({})), { instanceOf: VenueUnavailableError });
  await venue.connect();
  t.deepEqual(statuses, ['disconnected', 'connected']);
});

test('the same inputs give the same fills, bit for bit', async (t) => {
  const run = async () => {
    const { venue } = setup({ slippageBps: 7, maxParticipation: 0.05 });
    for (let i = 0; i < 5; i += 1) await venue.submit({ ...order({ quantity: 700, side: i % 2 === 0 ? 'buy' : 'sell' }), clientOrderId: `d${i}` });
    for (let m = 1; m < 20; m += 1) venue.onBar(bar(m, 100 + Math.sin(m), 102 + Math.sin(m), 98 + Math.sin(m), 100, 10_000 + m));
    return venue.fills();
  };
  t.deepEqual(await run(), await run());
});

test('the order book follows the paper venue to a filled order with the venue average price', async (t) => {
  const { clock, venue } = setup({ maxParticipation: 0.1 });
  const book = new OrderBook();
  venue.onReport((r) => book.apply(r, clock.now()));
  const o = order({ quantity: 500 });
  book.open({ ...o, strategyId: 's1', createdAt: 0 }, 0);
  book.submit(o.clientOrderId, 0);
  await venue.submit(o);
  venue.onBar(bar(1, 100, 101, 99, 100, 3_000));
  venue.onBar(bar(2, 102, 103, 101, 102, 3_000));
  const final = book.get(o.clientOrderId)!;
  t.is(final.status, 'filled');
  t.is(final.averagePrice, (300 * 100 + 200 * 102) / 500);
  t.is(final.venueOrderId, 'paper-0-1');
});

test('a new paper venue (after a restart or a failover) never reissues an execution id', async (t) => {
  const clock = new ManualClock(1_710_000_000_000);
  const first = new PaperVenue({ registry, clock, mode: 'backtest' });
  await first.submit(order({}));
  first.onBar({ ...bar(0, 100, 101, 99, 100), time: clock.now() });
  clock.advance(60_000);
  const second = new PaperVenue({ registry, clock, mode: 'backtest' });
  await second.submit(order({}));
  second.onBar({ ...bar(0, 100, 101, 99, 100), time: clock.now() });
  t.not(first.fills()[0]!.fillId, second.fills()[0]!.fillId);
  t.is(new PaperVenue({ registry, clock, mode: 'backtest', idPrefix: 'node1' }).name, 'paper');
});

test('pendingSymbols lists a symbol while any of its orders is not done', async (t) => {
  const clock = new ManualClock(Date.UTC(2024, 0, 2));
  const registry = new InstrumentRegistry([
    { symbol: 'AAPL', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true },
    { symbol: 'MSFT', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true },
  ]);
  const venue = new PaperVenue({ registry, clock, mode: 'backtest', commission: { kind: 'none' } });
  const base = { portfolioId: 'p1', side: 'buy' as const, quantity: 1, tif: 'gtc' as const };
  await venue.submit({ ...base, clientOrderId: 'a1', symbol: 'AAPL', type: 'market' });
  await venue.submit({ ...base, clientOrderId: 'a2', symbol: 'AAPL', type: 'limit', limitPrice: 1 });
  await venue.submit({ ...base, clientOrderId: 'm1', symbol: 'MSFT', type: 'market' });
  const pending = (): string[] => [...venue.pendingSymbols()].sort();
  t.deepEqual([venue.pendingOrders, pending()], [3, ['AAPL', 'MSFT']]);
  clock.advance(60_000);
  venue.onBar({ symbol: 'AAPL', interval: '1m', time: clock.now(), open: 100, high: 101, low: 99, close: 100, volume: 1_000 });
  t.deepEqual([venue.pendingOrders, pending()], [2, ['AAPL', 'MSFT']], 'the market order filled; the limit rests');
  await venue.cancel('a2');
  t.deepEqual([venue.pendingOrders, pending()], [1, ['MSFT']]);
});
