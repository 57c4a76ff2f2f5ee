import test from 'ava';
import { parseIbConfig } from '../../../actors/broker/ib/ib-config.js';
import { IB_ERROR_TABLE, classifyIbCode } from '../../../actors/broker/ib/ib-errors.js';
import { formatIbFilterTime, ibOrderProblem, parseIbTime, toIbContract, toIbOrder } from '../../../actors/broker/ib/ib-mapping.js';
import type { VenueOrder } from '../../../actors/broker/venue.js';

const config = parseIbConfig({ host: 'h', port: 1, clientId: 1, contractsBySymbol: { 'BRK B': { primaryExchange: 'NYSE' } } });
const order = (fields: Partial<VenueOrder>): VenueOrder => ({ clientOrderId: 'n1-a-1', portfolioId: 'p', symbol: 'AAPL', side: 'buy', type: 'market', quantity: 10, tif: 'day', ...fields });

test('a symbol becomes a SMART-routed US stock unless overridden', (t) => {
  t.deepEqual(toIbContract('AAPL', config), { symbol: 'AAPL', secType: 'STK', exchange: 'SMART', currency: 'USD' });
  t.deepEqual(toIbContract('BRK B', config), { symbol: 'BRK B', secType: 'STK', exchange: 'SMART', currency: 'USD', primaryExch: 'NYSE' });
});

const orders = [
  { name: 'market day buy', fields: {}, ib: { action: 'BUY', orderType: 'MKT', tif: 'DAY', lmtPrice: undefined, auxPrice: undefined } },
  { name: 'limit GTC sell', fields: { side: 'sell', type: 'limit', limitPrice: 12.5, tif: 'gtc' }, ib: { action: 'SELL', orderType: 'LMT', tif: 'GTC', lmtPrice: 12.5, auxPrice: undefined } },
  { name: 'stop', fields: { type: 'stop', stopPrice: 9 }, ib: { orderType: 'STP', lmtPrice: undefined, auxPrice: 9 } },
  { name: 'stop limit', fields: { type: 'stop_limit', stopPrice: 9, limitPrice: 8.9 }, ib: { orderType: 'STP LMT', lmtPrice: 8.9, auxPrice: 9 } },
] as const;
for (const row of orders) {
  test(`maps a ${row.name} order, carrying the client order id as orderRef`, (t) => {
    const ib = toIbOrder(order(row.fields), { account: 'U1', outsideRth: false });
    t.like(ib, { ...row.ib, totalQuantity: 10, orderRef: 'n1-a-1', transmit: true, account: 'U1', outsideRth: false });
  });
}

test('names what makes an order inexpressible', (t) => {
  t.is(ibOrderProblem(order({})), undefined);
  t.is(ibOrderProblem(order({ quantity: 0 })), 'INVALID_ORDER: quantity=0');
  t.is(ibOrderProblem(order({ type: 'stop_limit', stopPrice: 1 })), 'INVALID_ORDER: limitPrice=undefined');
  t.is(ibOrderProblem(order({ type: 'stop', stopPrice: -1 })), 'INVALID_ORDER: stopPrice=-1');
});

const times = [
  { name: 'a named zone (TWS 10)', text: '20240102 09:30:01 America/New_York', expected: Date.UTC(2024, 0, 2, 14, 30, 1) },
  { name: 'a legacy zone alias', text: '20240702 09:30:01 US/Eastern', expected: Date.UTC(2024, 6, 2, 13, 30, 1) },
  { name: 'no zone (TWS local time)', text: '20240702  09:30:01', expected: Date.UTC(2024, 6, 2, 13, 30, 1) },
  { name: 'the UTC dash form', text: '20240102-14:30:01', expected: Date.UTC(2024, 0, 2, 14, 30, 1) },
  { name: 'the hour after a spring-forward change', text: '20240310 03:30:00 America/New_York', expected: Date.UTC(2024, 2, 10, 7, 30, 0) },
  { name: 'garbage', text: 'yesterday', expected: undefined },
  { name: 'an unknown zone', text: '20240102 09:30:01 Mars/Olympus', expected: undefined },
] as const;
for (const row of times) {
  test(`parses execution times in ${row.name}`, (t) => {
    t.is(parseIbTime(row.text, 'America/New_York'), row.expected);
  });
}

test('formats execution filters in UTC to the second', (t) => {
  t.is(formatIbFilterTime(Date.UTC(2024, 0, 2, 14, 30, 1, 999)), '20240102-14:30:01');
});

test('classifies the codes that matter and leaves others unclassified', (t) => {
  t.deepEqual([201, 202, 10148, 104, 1100, 1101, 1102, 326, 2104].map((c) => classifyIbCode(c).category), [
    'rejection', 'cancel_confirmed', 'cancel_rejected', 'modify_rejected', 'connectivity_lost',
    'connectivity_restored_data_lost', 'connectivity_restored_data_maintained', 'client_id_in_use', 'farm_status',
  ]);
  t.is(classifyIbCode(99_999).category, 'unclassified');
  t.true(Object.isFrozen(IB_ERROR_TABLE));
});
