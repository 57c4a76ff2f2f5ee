import test from 'ava';
import { InstrumentRegistry } from '../../actors/domain/instrument.js';
import type { OrderRequest } from '../../actors/domain/order.js';
import { orderRequestProblems, validateOrderRequest } from '../../actors/domain/order-validation.js';
import { InvalidInstrumentError, UnknownSymbolError } from '../../actors/domain/errors.js';

const registry = new InstrumentRegistry([
  { symbol: 'AAPL', tickSize: 0.01, lotSize: 1, currency: 'USD', tradable: true },
  { symbol: 'LOT', tickSize: 0.05, lotSize: 100, currency: 'USD', tradable: true },
]);
const base: OrderRequest = {
  clientOrderId: 'n-1-1', portfolioId: 'p', strategyId: 's', symbol: 'AAPL', side: 'buy', type: 'limit', quantity: 10, limitPrice: 101.25, tif: 'gtc', createdAt: 1_700_000_000_000,
};
const withFields = (o: Record<string, unknown>) => {
  const order: Record<string, unknown> = { ...base, ...o };
  for (const k of Object.keys(order)) if (order[k] === undefined) delete order[k];
  return order as unknown as OrderRequest;
};

const rows: { name: string; order: OrderRequest; fields: string[] }[] = [
  { name: 'a valid limit order has no problems', order: base, fields: [] },
  { name: 'a valid stop-limit order in lots has no problems', order: withFields({ symbol: 'LOT', quantity: 200, type: 'stop_limit', stopPrice: 10.05, limitPrice: 10.1 }), fields: [] },
  { name: 'an unknown symbol is a problem', order: withFields({ symbol: 'ZZZ' }), fields: ['symbol'] },
  { name: 'zero, fractional and non-lot quantities are problems', order: withFields({ symbol: 'LOT', quantity: 150, limitPrice: 10 }), fields: ['quantity'] },
  { name: 'a fractional quantity is a problem', order: withFields({ quantity: 1.5 }), fields: ['quantity'] },
  { name: 'a negative limit price is a problem', order: withFields({ limitPrice: -1 }), fields: ['limitPrice'] },
  { name: 'an infinite limit price is a problem', order: withFields({ limitPrice: Number.POSITIVE_INFINITY }), fields: ['limitPrice'] },
  { name: 'a stop order needs a stop price and no limit price', order: withFields({ type: 'stop' }), fields: ['limitPrice', 'stopPrice'] },
  { name: 'a market order with a stop price is a problem', order: withFields({ type: 'market', limitPrice: undefined, stopPrice: 100 }), fields: ['stopPrice'] },
  { name: 'unknown enumerations and fields are problems', order: withFields({ side: 'short', tif: 'ioc', extra: 1 }), fields: ['extra', 'side', 'tif'] },
  { name: 'a bad createdAt and empty ids are problems', order: withFields({ createdAt: -5, clientOrderId: '', strategyId: 3 }), fields: ['clientOrderId', 'strategyId', 'createdAt'] },
];

for (const row of rows) {
  test(row.name, (t) => {
    const result = validateOrderRequest(row.order, registry);
    t.deepEqual(result.ok ? [] : result.problems.map((p) => p.field), row.fields);
    t.deepEqual(orderRequestProblems(row.order, registry), result.ok ? [] : result.problems, 'the same problems without the frozen copy');
  });
}

test('a valid order comes back frozen', (t) => {
  const result = validateOrderRequest(base, registry);
  t.true(result.ok && Object.isFrozen(result.order));
});

test('the registry gives typed answers for unknown symbols', (t) => {
  t.deepEqual(registry.lookup('ZZZ'), { ok: false, code: 'UNKNOWN_SYMBOL', symbol: 'ZZZ' });
  t.is(registry.lookup('AAPL').ok, true);
  const error = t.throws(() => registry.require('ZZZ'), { instanceOf: UnknownSymbolError });
  t.is(error!.symbol, 'ZZZ');
});

test('an invalid instrument definition is refused with every problem', (t) => {
  const error = t.throws(() => new InstrumentRegistry([{ symbol: 'X', tickSize: 0, lotSize: 0.5, currency: 'usd', tradable: true }]), { instanceOf: InvalidInstrumentError });
  t.is(error!.problems.length, 3);
});
