import { Writable } from 'node:stream';
import test from 'ava';
import { pino } from 'pino';
import { VenueUnavailableError } from '../../../actors/broker/errors.js';
import { IbOrderNotModifiableError } from '../../../actors/broker/ib/ib-errors.js';
import { FakeTws } from '../../helpers/fake-tws/index.js';
import { ACCOUNT, connected, newVenue, placedAtPeer, venueOrder, waitFor } from './support.js';

test('a market order is accepted and filled: permId is the venue order id, execId the fill id, commission from the report', async (t) => {
  const { tws, venue, recorder } = await connected(t, {
    script: { onPlaceOrder: (o, peer) => { peer.accept(o); peer.fill(o, { quantity: 100, price: 187.25, commission: 1.5 }); } },
  });
  const order = venueOrder();
  t.deepEqual(await venue.submit(order), { outcome: 'sent' });
  await recorder.report(order.clientOrderId, 'fill');
  const placed = tws.placements[0]!.request;
  t.like(placed, { symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD', action: 'BUY', totalQuantity: 100, orderType: 'MKT', tif: 'DAY', orderRef: order.clientOrderId, account: ACCOUNT, transmit: true });
  const peerOrder = tws.order(order.clientOrderId);
  t.deepEqual(recorder.kinds(order.clientOrderId), ['accepted', 'fill']);
  t.like(recorder.reports[0], { kind: 'accepted', venueOrderId: String(peerOrder.permId) });
  const exec = tws.executions()[0]!;
  t.like(recorder.fills()[0], {
    fillId: exec.execId, clientOrderId: order.clientOrderId, portfolioId: 'p1', symbol: 'AAPL', side: 'buy', quantity: 100, price: 187.25,
    commission: 1.5, time: exec.time, venue: 'ib', venueOrderId: String(peerOrder.permId), leavesQuantity: 0,
  });
});

const priced = [
  { name: 'limit', fields: { type: 'limit', limitPrice: 101.5, tif: 'gtc' }, peer: { orderType: 'LMT', lmtPrice: 101.5, auxPrice: undefined, tif: 'GTC' } },
  { name: 'stop', fields: { type: 'stop', stopPrice: 99, side: 'sell' }, peer: { orderType: 'STP', lmtPrice: undefined, auxPrice: 99, tif: 'DAY', action: 'SELL' } },
  { name: 'stop-limit', fields: { type: 'stop_limit', stopPrice: 99, limitPrice: 98.5 }, peer: { orderType: 'STP LMT', lmtPrice: 98.5, auxPrice: 99, tif: 'DAY' } },
] as const;
for (const row of priced) {
  test(`a ${row.name} order reaches the peer with its prices and time in force`, async (t) => {
    const { tws, venue, recorder } = await connected(t);
    const order = venueOrder(row.fields);
    await venue.submit(order);
    await recorder.report(order.clientOrderId, 'accepted');
    t.like(tws.placements[0]!.request, row.peer);
  });
}

test('partial fills are reported one by one with the quantity still open', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  const order = venueOrder({ type: 'limit', limitPrice: 50 });
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'accepted');
  const peerOrder = tws.order(order.clientOrderId);
  tws.fill(peerOrder, { quantity: 30, price: 50 });
  tws.fill(peerOrder, { quantity: 45, price: 49.99 });
  await recorder.report(order.clientOrderId, 'fill', 2);
  t.deepEqual(recorder.fills().map((f) => [f.quantity, f.leavesQuantity]), [[30, 70], [45, 25]]);
  tws.fill(peerOrder, { quantity: 25, price: 49.98 });
  await recorder.report(order.clientOrderId, 'fill', 3);
  t.deepEqual(recorder.fills().map((f) => f.leavesQuantity), [70, 25, 0]);
  t.deepEqual(recorder.kinds(order.clientOrderId), ['accepted', 'fill', 'fill', 'fill']);
});

test('a rejection is reported once, with the IB code in its reason and as a typed event', async (t) => {
  const { venue, recorder } = await connected(t, {
    script: { onPlaceOrder: (o, peer) => peer.reject(o, 201, 'Order rejected - reason:Insufficient margin in account DU7654321') },
  });
  const order = venueOrder();
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'rejected');
  const rejected = recorder.reports.find((r) => r.kind === 'rejected');
  t.true(rejected?.kind === 'rejected' && rejected.reason.startsWith('IB_201: Order rejected'));
  t.deepEqual(recorder.kinds(order.clientOrderId), ['rejected']);
  const event = recorder.eventsOf('ib_error').find((e) => e.code === 201)!;
  t.like(event, { category: 'rejection', clientOrderId: order.clientOrderId });
  t.false(JSON.stringify([recorder.events, recorder.reports]).includes(ACCOUNT), 'the account id is scrubbed');
  t.true(event.message.includes('[account]'));
});

test('a cancel is confirmed by the peer and reported once', async (t) => {
  const { venue, recorder } = await connected(t);
  const order = venueOrder({ type: 'limit', limitPrice: 10 });
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'accepted');
  await venue.cancel(order.clientOrderId);
  await recorder.report(order.clientOrderId, 'canceled');
  await waitFor(() => recorder.eventsOf('ib_error').some((e) => e.code === 202), 'error 202');
  t.deepEqual(recorder.kinds(order.clientOrderId), ['accepted', 'canceled']);
});

test('cancels the peer refuses, and cancels of unknown or finished orders, are reported as cancel_rejected', async (t) => {
  const { tws, venue, recorder } = await connected(t, {
    script: { onCancelOrder: (o, peer) => peer.sendError(o.clientId, o.orderId, 10148, 'OrderId that needs to be cancelled can not be cancelled, state: PendingCancel.') },
  });
  const order = venueOrder({ type: 'limit', limitPrice: 10 });
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'accepted');
  await venue.cancel(order.clientOrderId);
  await recorder.report(order.clientOrderId, 'cancel_rejected');
  const refused = recorder.reports.find((r) => r.kind === 'cancel_rejected');
  t.true(refused?.kind === 'cancel_rejected' && refused.reason.startsWith('IB_10148'));
  await venue.cancel('never-submitted');
  t.like(recorder.reports.at(-1), { kind: 'cancel_rejected', clientOrderId: 'never-submitted', reason: 'UNKNOWN_ORDER' });
  tws.fill(tws.order(order.clientOrderId), { quantity: 100, price: 10 });
  await recorder.report(order.clientOrderId, 'fill');
  await venue.cancel(order.clientOrderId);
  t.like(recorder.reports.at(-1), { kind: 'cancel_rejected', reason: 'ORDER_DONE' });
});

test('a duplicate execution report is ignored: one fill per execId', async (t) => {
  const { tws, venue, recorder } = await connected(t, {
    script: {
      onPlaceOrder: (o, peer) => {
        peer.accept(o);
        const exec = peer.fill(o, { quantity: 60, price: 20 });
        peer.sendExecution(exec);
        peer.fill(o, { quantity: 40, price: 20.01 });
        peer.sendExecution(exec);
      },
    },
  });
  const order = venueOrder();
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'fill', 2);
  await venue.submit(venueOrder()); // a later order's reports prove the duplicates were processed, not merely late
  await waitFor(() => recorder.fills().length === 4, 'the second order filled');
  t.deepEqual(recorder.fills(order.clientOrderId).map((f) => f.quantity), [60, 40]);
  t.is(new Set(recorder.fills().map((f) => f.fillId)).size, 4);
  t.is(tws.executions().length, 4);
});

test('submitting the same client order id twice places one order and answers duplicate with the permId', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  const order = venueOrder({ type: 'limit', limitPrice: 5 });
  const [first, second] = await Promise.all([venue.submit(order), venue.submit(order)]);
  t.deepEqual(first, { outcome: 'sent' });
  t.is(second.outcome, 'duplicate');
  await recorder.report(order.clientOrderId, 'accepted');
  t.deepEqual(await venue.submit(order), { outcome: 'duplicate', venueOrderId: String(tws.order(order.clientOrderId).permId) });
  t.is(placedAtPeer(tws, order.clientOrderId), 1);
});

test('an order the adapter cannot express is rejected without reaching the peer', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  const order = venueOrder({ type: 'limit' });
  await venue.submit(order);
  t.like(recorder.reports.at(-1), { kind: 'rejected', reason: 'INVALID_ORDER: limitPrice=undefined' });
  t.is(tws.placements.length, 0);
});

test('modify changes a working order in place at the peer, under the same IB order id', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  const order = venueOrder({ type: 'limit', limitPrice: 10 });
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'accepted');
  await venue.modify(order.clientOrderId, { limitPrice: 10.5, quantity: 150 });
  await waitFor(() => tws.placements.length === 2, 'the modification');
  const [placed, modified] = tws.placements;
  t.true(modified!.modification);
  t.is(modified!.request.orderId, placed!.request.orderId);
  t.like(modified!.request, { lmtPrice: 10.5, totalQuantity: 150, orderRef: order.clientOrderId });
  t.like(tws.order(order.clientOrderId), { lmtPrice: 10.5, totalQuantity: 150 });
  await t.throwsAsync(venue.modify('unknown', { limitPrice: 1 }), { instanceOf: IbOrderNotModifiableError });
});

test('openOrders and executionsSince list our orders by client order id; a cursor never repeats an execution', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  const resting = venueOrder({ type: 'limit', limitPrice: 10 });
  const filled = venueOrder();
  await venue.submit(resting);
  await venue.submit(filled);
  await recorder.report(filled.clientOrderId, 'accepted');
  tws.fill(tws.order(resting.clientOrderId), { quantity: 40, price: 10 });
  tws.fill(tws.order(filled.clientOrderId), { quantity: 100, price: 11 });
  await waitFor(() => recorder.fills().length === 2, 'two fills');
  const open = await venue.openOrders();
  t.deepEqual(open.map((o) => [o.clientOrderId, o.quantity, o.filledQuantity, o.side]), [[resting.clientOrderId, 100, 40, 'buy']]);
  t.is(open[0]!.venueOrderId, String(tws.order(resting.clientOrderId).permId));
  const page = await venue.executionsSince(null);
  t.deepEqual(new Set(page.executions.map((f) => f.fillId)), new Set(recorder.fills().map((f) => f.fillId)));
  t.deepEqual(page.executions.find((f) => f.clientOrderId === filled.clientOrderId)?.commission, recorder.fills(filled.clientOrderId)[0]!.commission);
  const empty = await venue.executionsSince(page.cursor);
  t.deepEqual(empty.executions, []);
  tws.fill(tws.order(resting.clientOrderId), { quantity: 60, price: 10 });
  const next = await venue.executionsSince(empty.cursor);
  t.deepEqual(next.executions.map((f) => [f.clientOrderId, f.quantity]), [[resting.clientOrderId, 60]]);
});

test('a fill waits for its commission report, and without one is emitted with commission 0', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  const order = venueOrder({ type: 'limit', limitPrice: 10 });
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'accepted');
  tws.fill(tws.order(order.clientOrderId), { quantity: 100, price: 10, sendCommission: false });
  await recorder.report(order.clientOrderId, 'fill');
  t.is(recorder.fills()[0]!.commission, 0);
  t.like(recorder.eventsOf('commission_missing')[0], { clientOrderId: order.clientOrderId });
});

test('while the peer is down a submit is refused with VenueUnavailableError; the venue reconnects by itself', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  await tws.stop();
  await waitFor(() => venue.status === 'disconnected', 'disconnected');
  await t.throwsAsync(venue.submit(venueOrder()), { instanceOf: VenueUnavailableError });
  await t.throwsAsync(venue.cancel('anything'), { instanceOf: VenueUnavailableError });
  await waitFor(() => recorder.eventsOf('reconnect_scheduled').length >= 2, 'retries with backoff');
  const delays = recorder.eventsOf('reconnect_scheduled').map((e) => e.delayMs);
  t.deepEqual(delays.slice(0, 2), [20, 40]);
  await tws.start();
  await waitFor(() => venue.status === 'connected', 'reconnected');
  t.is(tws.placements.length, 0, 'the refused order was never placed');
  const order = venueOrder();
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'accepted');
});

test('with the hold policy an order submitted while disconnected is placed once after the reconnect', async (t) => {
  const { tws, venue, recorder } = await connected(t, {}, { whileDisconnected: 'hold' });
  await tws.stop();
  await waitFor(() => venue.status === 'disconnected', 'disconnected');
  const order = venueOrder();
  const ack = venue.submit(order);
  const again = venue.submit(order);
  t.like(recorder.eventsOf('order_held')[0], { clientOrderId: order.clientOrderId });
  await tws.start();
  t.deepEqual(await ack, { outcome: 'sent' });
  t.deepEqual(await again, { outcome: 'sent' });
  await recorder.report(order.clientOrderId, 'accepted');
  t.is(placedAtPeer(tws, order.clientOrderId), 1);
});

test('connectivity notices 1100 and 1102 are typed events; orders are refused until the connection is restored and reconciled', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  tws.broadcastNotice(1100, 'Connectivity between IB and Trader Workstation has been lost.');
  await waitFor(() => venue.status === 'disconnected', 'disconnected on 1100');
  await t.throwsAsync(venue.submit(venueOrder()), { instanceOf: VenueUnavailableError });
  tws.broadcastNotice(1102, 'Connectivity between IB and Trader Workstation has been restored - data maintained.');
  await waitFor(() => venue.status === 'connected', 'connected after 1102');
  t.deepEqual(recorder.eventsOf('connectivity').map((e) => [e.code, e.category]), [[1100, 'connectivity_lost'], [1102, 'connectivity_restored_data_maintained']]);
  t.is(recorder.eventsOf('reconciled').length, 2);
});

test('a second client with the same client id is told 326 and keeps retrying until the id is free', async (t) => {
  const { tws, venue } = await connected(t);
  const { venue: second, recorder } = newVenue(t, tws);
  const ready = second.connect();
  await waitFor(() => recorder.eventsOf('ib_error').some((e) => e.code === 326), 'error 326');
  t.like(recorder.eventsOf('ib_error').find((e) => e.code === 326), { category: 'client_id_in_use' });
  await venue.close();
  await ready;
  t.is(second.status, 'connected');
});

test('the real client decodes every message of the fake at the oldest and newest server versions it writes', async (t) => {
  for (const serverVersion of [157, 193]) {
    const { tws, venue, recorder } = await connected(t, { serverVersion, script: { onPlaceOrder: (o, peer) => { peer.accept(o); peer.fill(o, { quantity: 50, price: 3 }); } } });
    const order = venueOrder({ type: 'limit', limitPrice: 3 });
    await venue.submit(order);
    await recorder.report(order.clientOrderId, 'fill');
    await venue.openOrders();
    await venue.executionsSince(null);
    await venue.cancel(order.clientOrderId);
    await recorder.report(order.clientOrderId, 'canceled');
    t.deepEqual(recorder.eventsOf('ib_error').filter((e) => e.category === 'protocol' || e.category === 'unclassified'), [], `server version ${serverVersion}`);
    t.is(tws.placements.length, 1);
  }
});

test('held orders are bounded: refused past maxHeldOrders or holdTimeoutMs, canceled locally, and never placed afterwards', async (t) => {
  const { tws, venue, recorder } = await connected(t, {}, { whileDisconnected: 'hold', maxHeldOrders: 2, holdTimeoutMs: 200 });
  await tws.stop();
  await waitFor(() => venue.status === 'disconnected', 'disconnected');
  const [expiring, canceled, overflow] = [venueOrder(), venueOrder(), venueOrder()];
  const expiringAck = venue.submit(expiring);
  const canceledAck = venue.submit(canceled);
  await t.throwsAsync(venue.submit(overflow), { instanceOf: VenueUnavailableError });
  await venue.cancel(canceled.clientOrderId);
  t.deepEqual(await canceledAck, { outcome: 'sent' });
  t.like(recorder.reports.at(-1), { kind: 'canceled', clientOrderId: canceled.clientOrderId, reason: 'CANCELED_WHILE_HELD' });
  await t.throwsAsync(expiringAck, { instanceOf: VenueUnavailableError });
  t.deepEqual(recorder.eventsOf('held_order_refused').map((e) => [e.clientOrderId, e.reason]), [[overflow.clientOrderId, 'capacity'], [expiring.clientOrderId, 'timeout']]);
  await tws.start();
  await waitFor(() => venue.status === 'connected', 'reconnected');
  t.is((await venue.submit(canceled)).outcome, 'duplicate');
  t.is(tws.placements.length, 0);
});

test('the account id reaches neither the log nor any event, even when TWS puts it in a message', async (t) => {
  let logged = '';
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _encoding, done) => { logged += chunk.toString(); done(); } }));
  const tws = new FakeTws({ accounts: [ACCOUNT, 'DU0000002'], script: { onPlaceOrder: (o, peer) => peer.reject(o, 203, `The security is not available or allowed for this account: ${ACCOUNT}`) } });
  await tws.start();
  t.teardown(() => tws.stop());
  const { venue, recorder } = newVenue(t, tws, {}, { logger });
  await venue.connect();
  const order = venueOrder();
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'rejected');
  tws.broadcastNotice(1100, 'Connectivity between IB and Trader Workstation has been lost (DU0000002).');
  await waitFor(() => venue.status === 'disconnected', 'disconnected on 1100');
  tws.disconnectAll();
  await waitFor(() => recorder.eventsOf('reconnect_scheduled').length > 0, 'a reconnect');
  t.true(logged.includes('"code":203') && logged.includes('"code":1100'), 'the codes are logged');
  for (const account of [ACCOUNT, 'DU0000002']) {
    t.false(logged.includes(account), `${account} is not in the log`);
    t.false(JSON.stringify([recorder.events, recorder.reports]).includes(account), `${account} is not in an event or report`);
  }
});
