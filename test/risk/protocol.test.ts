import test from 'ava';
import { deny } from '../../actors/risk/denial.js';
import { riskOrderDenied, riskPortfolioUpdate, riskPortfolioUpdateOwned, riskSubmitOrder, riskTradingStateChanged } from '../../actors/risk/protocol.js';
import { NOW, baseOrder, portfolio } from './fixtures.js';

test('risk messages are deeply frozen plain objects with a namespaced type', (t) => {
  const messages = [
    riskSubmitOrder(baseOrder),
    riskOrderDenied(baseOrder, deny('SYMBOL_RESTRICTED', { symbol: 'AAPL' }), NOW),
    riskPortfolioUpdate(portfolio, NOW),
    riskTradingStateChanged({ from: 'ACTIVE', to: 'HALTED', trigger: 'operator', reason: 'drill', by: 'ops', time: NOW }),
  ];
  for (const m of messages) {
    t.regex(m.type, /^risk\.[a-zA-Z]+$/);
    t.true(Object.isFrozen(m));
    t.deepEqual(JSON.parse(JSON.stringify(m)), m);
  }
  const denied = messages[1] as ReturnType<typeof riskOrderDenied>;
  t.true(Object.isFrozen(denied.order) && Object.isFrozen(denied.denial.context));
});

test('building a message does not freeze the caller\'s object', (t) => {
  const order = { ...baseOrder };
  riskSubmitOrder(order);
  t.false(Object.isFrozen(order));
});

test('an owned portfolio update freezes the view, its records and the fill in place, and carries what a copying one carries', (t) => {
  const fill = { portfolioId: 'p1', clientOrderId: 'o1', symbol: 'AAPL', side: 'buy' as const, quantity: 10, time: NOW, positionBefore: 0 };
  const view = { ...portfolio, positions: { ...portfolio.positions }, marks: { ...portfolio.marks } };
  const copied = riskPortfolioUpdate(view, NOW, fill);
  const owned = riskPortfolioUpdateOwned(view, NOW, fill);
  t.deepEqual(owned, copied);
  t.is(owned.view, view);
  t.is(owned.fill, fill);
  for (const part of [owned, view, view.positions, view.marks, fill]) t.true(Object.isFrozen(part));
});
