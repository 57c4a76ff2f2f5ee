import test from 'ava';
import { OrderBook } from '../../actors/broker/order-book.js';
import { brokerApprovedOrder, brokerFill, brokerOrderUpdate, brokerSecurityEvent } from '../../actors/broker/protocol.js';
import { toVenueOrder } from '../../actors/broker/venue.js';
import type { VenueFill } from '../../actors/broker/venue.js';
import type { OrderRequest } from '../../actors/domain/order.js';
import { portfolioFill } from '../../actors/portfolio/protocol.js';
import { signApproval } from '../../actors/risk/approval.js';

const order: OrderRequest = {
  clientOrderId: 'n1-a-1', portfolioId: 'p1', strategyId: 's1', symbol: 'AAPL', side: 'buy', type: 'market', quantity: 5, tif: 'day', createdAt: 0,
};
const venueFill: VenueFill = {
  fillId: 'E1', clientOrderId: order.clientOrderId, portfolioId: 'p1', symbol: 'AAPL', side: 'buy', quantity: 5, price: 10, commission: 1, time: 1, venue: 'paper', venueOrderId: 'V1', leavesQuantity: 0,
};

test('broker and portfolio messages are deeply frozen with a namespaced type', (t) => {
  const approved = signApproval(order, { key: Buffer.alloc(32, 1), riskId: 'risk', seq: 1, expiresAt: 10 });
  const book = new OrderBook();
  const { order: oms } = book.open(order, 0);
  const messages = [
    brokerApprovedOrder(approved),
    brokerOrderUpdate(oms, 0),
    brokerFill(venueFill),
    brokerSecurityEvent({ reason: 'REPLAYED', message: 'REPLAYED: token risk:1 was already used', clientOrderId: order.clientOrderId, time: 2 }),
    portfolioFill(venueFill),
  ];
  for (const m of messages) {
    t.regex(m.type, /^(broker|portfolio)\.[a-zA-Z]+$/);
    t.true(Object.isFrozen(m));
  }
  t.false('venueOrderId' in (messages[4] as ReturnType<typeof portfolioFill>).fill, 'the portfolio gets a plain Fill');
});

test('a venue order carries what the venue needs and nothing of the token', (t) => {
  const approved = signApproval({ ...order, type: 'limit', limitPrice: 10 }, { key: Buffer.alloc(32, 1), riskId: 'risk', seq: 1, expiresAt: 10 });
  t.deepEqual(toVenueOrder(approved), { clientOrderId: 'n1-a-1', portfolioId: 'p1', symbol: 'AAPL', side: 'buy', type: 'limit', quantity: 5, tif: 'day', limitPrice: 10 });
});
