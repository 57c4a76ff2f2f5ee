import test from 'ava';
import { verifyApproval } from '../../actors/risk/approval.js';
import { RiskEngine } from '../../actors/risk/engine.js';
import type { RiskDecision } from '../../actors/risk/engine.js';
import { InvalidTradingStateTransitionError } from '../../actors/risk/errors.js';
import { DEFAULT_RISK_LIMITS } from '../../actors/risk/limits.js';
import { MemoryUsedTokenSet } from '../../actors/risk/used-tokens.js';
import { NOW, baseOrder, orderWith, portfolio, registry, returns } from './fixtures.js';

const key = Buffer.from('k'.repeat(32));

function engine(limits = DEFAULT_RISK_LIMITS): RiskEngine {
  const e = new RiskEngine({ riskId: 'risk', key, registry, limits });
  e.updatePortfolio(portfolio, NOW);
  for (const [symbol, price] of Object.entries({ AAPL: 100, MSFT: 200 })) e.updatePrice(symbol, price);
  for (const [symbol, series] of Object.entries(returns)) e.updateReturns(symbol, series);
  return e;
}

const code = (d: RiskDecision) => ('denied' in d ? d.denied.code : 'APPROVED');

test('an order that passes every check is approved with a token the broker verifies', (t) => {
  const decision = engine().evaluate(baseOrder, NOW);
  t.true('approved' in decision);
  if ('approved' in decision) {
    t.deepEqual(decision.approved.order, baseOrder);
    t.is(decision.approved.approval.seq, 1);
    t.is(decision.approved.approval.expiresAt, NOW + DEFAULT_RISK_LIMITS.approvalTtlMs);
    t.true(verifyApproval(decision.approved, { key, now: NOW + 1, seen: new MemoryUsedTokenSet(), expectedRiskId: 'risk' }).ok);
  }
});

test('an order for a portfolio the engine has not heard of is denied', (t) => {
  t.is(code(engine().evaluate(orderWith({ portfolioId: 'p9' }), NOW)), 'UNKNOWN_PORTFOLIO');
});

test('approvals count against the rate limit and open orders until they are closed', (t) => {
  const e = engine({ ...DEFAULT_RISK_LIMITS, maxOrdersPerStrategyPerWindow: 2, maxOpenOrders: 3 });
  t.is(code(e.evaluate(orderWith({ clientOrderId: 'a' }), NOW)), 'APPROVED');
  t.is(code(e.evaluate(orderWith({ clientOrderId: 'b' }), NOW + 1)), 'APPROVED');
  t.is(code(e.evaluate(orderWith({ clientOrderId: 'c' }), NOW + 2)), 'ORDER_RATE_EXCEEDED_STRATEGY');
  t.is(code(e.evaluate(orderWith({ clientOrderId: 'c' }), NOW + 1_001)), 'APPROVED');
  t.is(code(e.evaluate(orderWith({ clientOrderId: 'd', strategyId: 's2' }), NOW + 1_002)), 'MAX_OPEN_ORDERS_EXCEEDED');
  t.true(e.orderClosed('p1', 'a'));
  t.is(code(e.evaluate(orderWith({ clientOrderId: 'd', strategyId: 's2' }), NOW + 1_003)), 'APPROVED');
  t.deepEqual([...e.state().openOrders.p1!].sort(), ['b', 'c', 'd']);
});

test('a retry of an open order is re-approved under a new sequence without being counted twice', (t) => {
  const e = engine({ ...DEFAULT_RISK_LIMITS, maxOpenOrders: 1 });
  const first = e.evaluate(baseOrder, NOW);
  const retry = e.evaluate(baseOrder, NOW + 10);
  t.is(code(first), 'APPROVED');
  t.is(code(retry), 'APPROVED');
  if ('approved' in first && 'approved' in retry) t.is(retry.approved.approval.seq, first.approved.approval.seq + 1);
  t.is(e.state().rate.events['strategy:s1']!.length, 1);
});

test('an operator halt denies new orders and only an operator resumes', (t) => {
  const e = engine();
  t.deepEqual(e.setTradingState('HALTED', NOW, 'incident 42'), { from: 'ACTIVE', to: 'HALTED', trigger: 'operator', reason: 'incident 42', time: NOW });
  t.is(code(e.evaluate(baseOrder, NOW)), 'TRADING_HALTED');
  t.throws(() => e.setTradingState('ACTIVE', NOW, 'auto', 'daily_loss_limit'), { instanceOf: InvalidTradingStateTransitionError });
  e.setTradingState('ACTIVE', NOW, 'resolved');
  t.is(code(e.evaluate(baseOrder, NOW)), 'APPROVED');
});

test('a portfolio update past the daily loss limit switches to REDUCING', (t) => {
  const e = engine();
  const change = e.updatePortfolio({ ...portfolio, equity: 94_000 }, NOW);
  t.is(change?.to, 'REDUCING');
  t.is(change?.trigger, 'daily_loss_limit');
  t.is(code(e.evaluate(baseOrder, NOW)), 'REDUCING_ONLY');
  t.is(code(e.evaluate(orderWith({ side: 'sell' }), NOW)), 'APPROVED');
});

test('a drawdown past the limit halts trading', (t) => {
  const e = engine();
  t.is(e.updatePortfolio({ ...portfolio, equity: 79_000, startOfDayEquity: 79_000 }, NOW)?.to, 'HALTED');
});

test('recorded fills feed the pattern-day-trader rule', (t) => {
  const e = engine();
  e.updatePortfolio({ ...portfolio, equity: 20_000, cash: 10_000, startOfDayEquity: 20_000, peakEquity: 20_000 }, NOW);
  for (const [i, id] of ['x', 'y', 'z'].entries()) {
    e.recordFill({ portfolioId: 'p1', clientOrderId: `${id}-open`, symbol: 'MSFT', side: 'buy', quantity: 1, time: NOW - 3_600_000 + i }, 0);
    e.recordFill({ portfolioId: 'p1', clientOrderId: id, symbol: 'MSFT', side: 'sell', quantity: 1, time: NOW - 1_800_000 + i }, 1);
  }
  e.recordFill({ portfolioId: 'p1', clientOrderId: 'aapl-open', symbol: 'AAPL', side: 'buy', quantity: 10, time: NOW - 60_000 }, 90);
  t.is(code(e.evaluate(orderWith({ side: 'sell', quantity: 5 }), NOW)), 'PATTERN_DAY_TRADER_LIMIT');
});

test('the persisted state restores an engine that continues the sequence', (t) => {
  const e = engine();
  e.evaluate(baseOrder, NOW);
  const restored = new RiskEngine({ riskId: 'risk', key, registry, initial: e.state() });
  restored.updatePortfolio(portfolio, NOW);
  restored.updatePrice('AAPL', 100);
  restored.updateReturns('AAPL', returns.AAPL);
  const decision = restored.evaluate(orderWith({ clientOrderId: 'next' }), NOW + 1);
  t.true('approved' in decision && decision.approved.approval.seq === 2);
  t.deepEqual([...restored.state().openOrders.p1!].sort(), ['n1-1-1', 'next']);
});
