import test from 'ava';
import { OverfillError, UnknownOrderError, InvalidOrderTransitionError } from '../../actors/broker/errors.js';
import { OrderBook } from '../../actors/broker/order-book.js';
import type { VenueFill, VenueReport } from '../../actors/broker/venue.js';
import type { OrderRequest } from '../../actors/domain/order.js';

const order: OrderRequest = {
  clientOrderId: 'n1-a-1', portfolioId: 'p1', strategyId: 's1', symbol: 'AAPL', side: 'buy', type: 'limit', quantity: 100, limitPrice: 100, tif: 'day', createdAt: 0,
};
const fill = (execId: string, quantity: number, price: number): VenueReport => ({
  kind: 'fill',
  clientOrderId: order.clientOrderId,
  fill: { fillId: execId, clientOrderId: order.clientOrderId, portfolioId: 'p1', symbol: 'AAPL', side: 'buy', quantity, price, commission: 1, time: 5, venue: 'paper', venueOrderId: 'V1', leavesQuantity: 0 } satisfies VenueFill,
});

function submitted(): OrderBook {
  const book = new OrderBook();
  book.open(order, 1);
  book.submit(order.clientOrderId, 2);
  return book;
}

test('a repeated open with the same id and order returns the existing order', (t) => {
  const book = submitted();
  const again = book.open({ ...order }, 3);
  t.is(again.kind, 'duplicate');
  t.is(again.order.status, 'submitted');
  t.is(book.all().length, 1);
});

test('a different order under a known id is a conflict and changes nothing', (t) => {
  const book = submitted();
  const result = book.open({ ...order, quantity: 200 }, 3);
  t.is(result.kind, 'conflict');
  t.is(book.get(order.clientOrderId)!.order.quantity, 100);
});

test('fills accumulate quantity, average price and commission, and a repeated exec id changes nothing', (t) => {
  const book = submitted();
  book.apply({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: 'V1', time: 3 }, 3);
  const first = book.apply(fill('E1', 40, 99), 4);
  t.is(first.order.status, 'partially_filled');
  const dup = book.apply(fill('E1', 40, 99), 5);
  t.false(dup.changed);
  t.is(dup.ignored, 'DUPLICATE_EXEC');
  t.is(dup.fill, undefined);
  const last = book.apply(fill('E2', 60, 100), 6);
  t.is(last.order.status, 'filled');
  t.is(last.order.filledQuantity, 100);
  t.is(last.order.leavesQuantity, 0);
  t.is(last.order.averagePrice, (40 * 99 + 60 * 100) / 100);
  t.is(last.order.commission, 2);
  t.deepEqual(last.order.execIds, ['E1', 'E2']);
});

test('a fill beyond the order quantity is refused', (t) => {
  const book = submitted();
  t.throws(() => book.apply(fill('E1', 101, 100), 3), { instanceOf: OverfillError });
});

test('a fill before the acknowledgement is applied and the late acknowledgement is ignored', (t) => {
  const book = submitted();
  t.is(book.apply(fill('E1', 100, 100), 3).order.status, 'filled');
  const late = book.apply({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: 'V1', time: 4 }, 4);
  t.false(late.changed);
  t.is(late.order.status, 'filled');
});

test('a refused cancel returns the order to partially filled when some of it filled', (t) => {
  const book = submitted();
  book.apply({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: 'V1', time: 3 }, 3);
  book.requestCancel(order.clientOrderId, 4);
  t.is(book.apply(fill('E1', 30, 100), 5).order.status, 'pending_cancel');
  t.is(book.apply({ kind: 'cancel_rejected', clientOrderId: order.clientOrderId, reason: 'TOO_LATE', time: 6 }, 6).order.status, 'partially_filled');
});

test('a refused cancel returns an unfilled order to accepted', (t) => {
  const book = submitted();
  book.apply({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: 'V1', time: 3 }, 3);
  book.requestCancel(order.clientOrderId, 4);
  t.is(book.apply({ kind: 'cancel_rejected', clientOrderId: order.clientOrderId, reason: 'X', time: 5 }, 5).order.status, 'accepted');
});

test('an ambiguous submit stays in flight until a report settles it', (t) => {
  const book = submitted();
  book.markAmbiguous(order.clientOrderId, 3);
  t.deepEqual(book.inFlight().map((o) => o.clientOrderId), [order.clientOrderId]);
  t.deepEqual(book.ambiguous().map((o) => o.clientOrderId), [order.clientOrderId]);
  const accepted = book.apply({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: 'V1', time: 4 }, 4);
  t.false(accepted.order.ambiguous);
  t.is(book.ambiguous().length, 0);
});

test('reports for an unknown order and impossible reports are errors', (t) => {
  const book = submitted();
  t.throws(() => book.apply({ ...fill('E1', 1, 1), clientOrderId: 'other' } as VenueReport, 3), { instanceOf: UnknownOrderError });
  book.apply({ kind: 'canceled', clientOrderId: order.clientOrderId, time: 3 }, 3);
  t.throws(() => book.apply(fill('E9', 1, 100), 4), { instanceOf: InvalidOrderTransitionError });
  t.false(book.apply({ kind: 'canceled', clientOrderId: order.clientOrderId, time: 5 }, 5).changed);
});

test('a denied order ends there', (t) => {
  const book = new OrderBook();
  book.open(order, 1);
  const denied = book.deny(order.clientOrderId, 'BAD_SIGNATURE', 2);
  t.is(denied.status, 'denied');
  t.throws(() => book.submit(order.clientOrderId, 3), { instanceOf: InvalidOrderTransitionError });
});

test('a restored book keeps orders, exec ids and duplicate detection', (t) => {
  const book = submitted();
  book.apply(fill('E1', 40, 99), 3);
  const restored = OrderBook.restore(JSON.parse(JSON.stringify(book.all())));
  t.false(restored.apply(fill('E1', 40, 99), 4).changed);
  t.is(restored.open(order, 5).kind, 'duplicate');
  t.true(Object.isFrozen(restored.get(order.clientOrderId)));
});

test('a repeated rejection changes nothing, and an acknowledgement before submit is an error', (t) => {
  const book = submitted();
  book.apply({ kind: 'rejected', clientOrderId: order.clientOrderId, reason: 'NO', time: 3 }, 3);
  t.false(book.apply({ kind: 'rejected', clientOrderId: order.clientOrderId, reason: 'NO', time: 4 }, 4).changed);
  const fresh = new OrderBook();
  fresh.open(order, 1);
  t.throws(() => fresh.apply({ kind: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: 'V1', time: 2 }, 2), { instanceOf: InvalidOrderTransitionError });
});

test('a restored book still tells a repeated order from a different one under a known id', (t) => {
  const book = OrderBook.restore(submitted().all());
  t.is(book.open({ ...order }, 3).kind, 'duplicate');
  t.is(book.open({ ...order, limitPrice: 99 }, 3).kind, 'conflict');
  t.is(book.get(order.clientOrderId)!.status, 'submitted');
});
