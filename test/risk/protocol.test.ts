import test from 'ava';
import { deny } from '../../actors/risk/denial.js';
import { riskOrderDenied, riskPortfolioUpdate, riskSubmitOrder, riskTradingStateChanged } from '../../actors/risk/protocol.js';
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
