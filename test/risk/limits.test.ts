import test from 'ava';
import { InvalidRiskLimitsError } from '../../actors/risk/errors.js';
import { DEFAULT_RISK_LIMITS, parseRiskLimits } from '../../actors/risk/limits.js';

test('empty input yields the defaults', (t) => {
  t.deepEqual(parseRiskLimits({}), DEFAULT_RISK_LIMITS);
});

test('given keys override the defaults and the result is frozen', (t) => {
  const limits = parseRiskLimits({ maxNotionalPerOrder: 25_000, restrictedSymbols: ['GME'], maxPostTradeVar: null });
  t.is(limits.maxNotionalPerOrder, 25_000);
  t.deepEqual(limits.restrictedSymbols, ['GME']);
  t.is(limits.maxPostTradeVar, null);
  t.is(limits.maxGrossExposure, DEFAULT_RISK_LIMITS.maxGrossExposure);
  t.true(Object.isFrozen(limits) && Object.isFrozen(limits.restrictedSymbols));
});

test('every problem is reported at once, each naming its field', (t) => {
  const error = t.throws(
    () => parseRiskLimits({ maxNotionalPerOrder: -1, priceBandPct: 2, tradingTimeZone: 'Mars/Olympus', maxOpenOrder: 3, varMethod: 'monte-carlo', maxOpenOrders: 1.5 }),
    { instanceOf: InvalidRiskLimitsError },
  );
  const fields = error!.problems.map((p) => p.split(':')[0]);
  t.deepEqual(fields.sort(), ['maxNotionalPerOrder', 'maxOpenOrder', 'maxOpenOrders', 'priceBandPct', 'tradingTimeZone', 'varMethod']);
  t.true(error!.problems.some((p) => p === 'maxOpenOrder: unknown key'));
});

test('a net exposure limit above the gross limit is refused', (t) => {
  const error = t.throws(() => parseRiskLimits({ maxNetExposure: 300_000 }), { instanceOf: InvalidRiskLimitsError });
  t.regex(error!.problems[0]!, /^maxNetExposure: /);
});

test('input that is not an object is refused', (t) => {
  t.throws(() => parseRiskLimits(null), { instanceOf: InvalidRiskLimitsError });
  t.throws(() => parseRiskLimits([]), { instanceOf: InvalidRiskLimitsError });
});
