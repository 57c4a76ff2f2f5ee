import test from 'ava';
import { connected, newVenue, placedAtPeer, venueOrder, waitFor } from './support.js';

test('a disconnect mid-order: fills made while away are emitted exactly once after the reconnect', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  const order = venueOrder({ type: 'limit', limitPrice: 20 });
  await venue.submit(order);
  await recorder.report(order.clientOrderId, 'accepted');
  const peerOrder = tws.order(order.clientOrderId);
  tws.fill(peerOrder, { quantity: 40, price: 20 });
  await recorder.report(order.clientOrderId, 'fill');
  tws.disconnectAll();
  tws.fill(peerOrder, { quantity: 35, price: 20 }); // nobody is connected: only reqExecutions will tell
  tws.fill(peerOrder, { quantity: 25, price: 19.99 });
  await waitFor(() => recorder.eventsOf('reconciled').length === 2, 'reconciliation after the reconnect');
  await recorder.report(order.clientOrderId, 'fill', 3);
  t.deepEqual(recorder.fills().map((f) => [f.quantity, f.leavesQuantity]), [[40, 60], [35, 25], [25, 0]]);
  t.deepEqual(recorder.fills().map((f) => f.fillId), tws.executions().map((e) => e.execId));
  t.like(recorder.eventsOf('reconciled')[1], { first: false, missedFills: 2, closed: [], forgotten: [] });
  t.deepEqual(recorder.statuses, ['connecting', 'connected', 'disconnected', 'connecting', 'connected']);

  tws.sendExecution(tws.executions()[1]!); // TWS repeating an execution after the reconnect
  const marker = venueOrder();
  await venue.submit(marker);
  await recorder.report(marker.clientOrderId, 'accepted');
  t.is(recorder.fills(order.clientOrderId).length, 3);
  t.deepEqual(recorder.kinds(order.clientOrderId), ['accepted', 'fill', 'fill', 'fill']);
});

test('a restart of the peer: orders that ended during the outage are reported canceled, an open one keeps working', async (t) => {
  const { tws, venue, recorder } = await connected(t);
  const staying = venueOrder({ type: 'limit', limitPrice: 10, tif: 'gtc' });
  const canceled = venueOrder({ type: 'limit', limitPrice: 10 });
  const vanished = venueOrder({ type: 'limit', limitPrice: 10 });
  for (const order of [staying, canceled, vanished]) await venue.submit(order);
  await recorder.report(vanished.clientOrderId, 'accepted');
  await tws.stop();
  tws.order(canceled.clientOrderId).status = 'Cancelled'; // a day order dropped at the restart: TWS lists it as completed
  tws.lose(tws.order(vanished.clientOrderId)); // TWS forgot it altogether
  tws.fill(tws.order(staying.clientOrderId), { quantity: 50, price: 10 });
  await waitFor(() => recorder.eventsOf('reconnect_scheduled').length >= 2, 'reconnect attempts while the peer is down');
  await tws.start();
  await waitFor(() => venue.status === 'connected' && recorder.eventsOf('reconciled').length === 2, 'reconnected and reconciled');
  t.like(recorder.eventsOf('reconciled')[1], { openOrders: 1, missedFills: 1, closed: [vanished.clientOrderId], forgotten: [] });
  t.like(recorder.reports.filter((r) => r.clientOrderId === canceled.clientOrderId).at(-1), { kind: 'canceled', reason: 'IB_CANCELLED: Cancelled by Trader' });
  t.like(recorder.reports.filter((r) => r.clientOrderId === vanished.clientOrderId).at(-1), { kind: 'canceled', reason: 'IB_NOT_OPEN_AFTER_RECONNECT' });
  t.deepEqual(recorder.fills(staying.clientOrderId).map((f) => f.leavesQuantity), [50]);
  tws.fill(tws.order(staying.clientOrderId), { quantity: 50, price: 10 });
  await recorder.report(staying.clientOrderId, 'fill', 2);
  t.deepEqual(recorder.fills(staying.clientOrderId).map((f) => f.leavesQuantity), [50, 0]);
  t.is(tws.placements.length, 3);
});

test('a new instance learns orders that ended while no process was connected: their resubmit is a duplicate that repeats the end', async (t) => {
  const { tws, venue: first, recorder: before } = await connected(t);
  const canceled = venueOrder({ type: 'limit', limitPrice: 7 });
  const rejected = venueOrder({ type: 'limit', limitPrice: 7 });
  await first.submit(canceled);
  await first.submit(rejected);
  await before.report(rejected.clientOrderId, 'accepted');
  await first.close();
  tws.order(canceled.clientOrderId).status = 'Cancelled';
  tws.order(rejected.clientOrderId).status = 'Inactive';

  const { venue: second, recorder: after } = newVenue(t, tws);
  await second.connect();
  t.deepEqual(after.reports, [], 'history is not emitted at the first connect');
  t.is((await second.submit(canceled)).outcome, 'duplicate');
  t.is((await second.submit(rejected)).outcome, 'duplicate');
  t.like(after.reports, [
    { kind: 'canceled', clientOrderId: canceled.clientOrderId, reason: 'IB_CANCELLED: Cancelled by Trader' },
    // It may have been acknowledged before the restart, and the OMS allows accepted -> canceled, never accepted -> rejected.
    { kind: 'canceled', clientOrderId: rejected.clientOrderId, reason: 'IB_INACTIVE: Rejected' },
  ]);
  t.is(tws.placements.length, 2);
});

test('an order sent but lost before TWS acted on it is forgotten at the reconnect, so its resubmit places it once', async (t) => {
  const lostOnce = new Set<string>();
  const { tws, venue, recorder } = await connected(t, {
    script: {
      onPlaceOrder: (o, peer) => {
        if (lostOnce.has(o.orderRef)) return peer.accept(o);
        lostOnce.add(o.orderRef);
        peer.lose(o);
        peer.disconnectAll();
      },
    },
  });
  const order = venueOrder();
  t.deepEqual(await venue.submit(order), { outcome: 'sent' });
  await waitFor(() => recorder.eventsOf('reconciled').length === 2, 'reconciliation after the reconnect');
  t.like(recorder.eventsOf('reconciled')[1], { forgotten: [order.clientOrderId], closed: [] });
  t.deepEqual(recorder.kinds(order.clientOrderId), []);
  t.deepEqual(await venue.submit(order), { outcome: 'sent' });
  await recorder.report(order.clientOrderId, 'accepted');
  t.is(placedAtPeer(tws, order.clientOrderId), 1);
});

test('a new IbVenue instance mid-order: resubmitting the client order id places nothing at the peer, and later fills are reported', async (t) => {
  const { tws, venue: first, recorder: before } = await connected(t);
  const order = venueOrder({ type: 'limit', limitPrice: 30 });
  await first.submit(order);
  await before.report(order.clientOrderId, 'accepted');
  const peerOrder = tws.order(order.clientOrderId);
  tws.fill(peerOrder, { quantity: 30, price: 30 });
  await before.report(order.clientOrderId, 'fill');
  await first.close(); // our process dies
  tws.fill(peerOrder, { quantity: 20, price: 30 }); // and misses this

  const { venue: second, recorder: after } = newVenue(t, tws);
  await second.connect();
  t.like(after.eventsOf('reconciled')[0], { first: true, openOrders: 1 });
  t.deepEqual(await second.submit(order), { outcome: 'duplicate', venueOrderId: String(peerOrder.permId) });
  t.is(placedAtPeer(tws, order.clientOrderId), 1);
  t.deepEqual(after.kinds(order.clientOrderId), ['accepted'], 'the resubmit re-announces the acceptance; fills are history, read with executionsSince');
  const history = await second.executionsSince(null);
  t.deepEqual(history.executions.map((f) => [f.quantity, f.portfolioId, f.leavesQuantity]), [[30, 'p1', 70], [20, 'p1', 50]]);
  t.deepEqual(history.executions.map((f) => [f.fillId, f.commission]), tws.executions().map((e) => [e.execId, e.commission]));

  tws.fill(peerOrder, { quantity: 50, price: 30 });
  await after.report(order.clientOrderId, 'fill');
  t.like(after.fills()[0], { quantity: 50, leavesQuantity: 0, venueOrderId: String(peerOrder.permId) });
  await second.cancel(order.clientOrderId);
  t.like(after.reports.at(-1), { kind: 'cancel_rejected', reason: 'ORDER_DONE' });
});

test('a new instance after the order filled while it was away learns it from the executions: the resubmit is a duplicate', async (t) => {
  const { tws, venue: first, recorder: before } = await connected(t);
  const order = venueOrder({ type: 'limit', limitPrice: 7 });
  await first.submit(order);
  await before.report(order.clientOrderId, 'accepted');
  await first.close();
  tws.fill(tws.order(order.clientOrderId), { quantity: 100, price: 7 });

  const { venue: second, recorder: after } = newVenue(t, tws);
  await second.connect();
  t.like(after.eventsOf('reconciled')[0], { openOrders: 0, executions: 1 });
  t.is((await second.submit(order)).outcome, 'duplicate');
  t.is(placedAtPeer(tws, order.clientOrderId), 1);
  t.deepEqual((await second.executionsSince(null)).executions.map((f) => [f.clientOrderId, f.quantity, f.leavesQuantity]), [[order.clientOrderId, 100, 0]]);
});

test('when TWS hands out a next valid id it already used, new orders still get fresh ids', async (t) => {
  const { tws, venue, recorder } = await connected(t, { nextValidId: () => 1 });
  const a = venueOrder({ type: 'limit', limitPrice: 1 });
  const b = venueOrder({ type: 'limit', limitPrice: 1 });
  await venue.submit(a);
  await venue.submit(b);
  await recorder.report(b.clientOrderId, 'accepted');
  tws.disconnectAll();
  await waitFor(() => recorder.eventsOf('reconciled').length === 2, 'reconnected');
  const c = venueOrder({ type: 'limit', limitPrice: 1 });
  await venue.submit(c);
  await recorder.report(c.clientOrderId, 'accepted');
  t.deepEqual(tws.placements.map((p) => p.request.orderId), [1, 2, 3]);
  t.deepEqual(recorder.eventsOf('ib_error').filter((e) => e.code === 103), []);
});
