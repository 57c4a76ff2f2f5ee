import test from 'ava';
import {
  ADX,
  ChoppinessIndex,
  InvalidIndicatorParamError,
  RegimeClassifier,
  classifyRegime,
} from '../../actors/market/indicators/index.js';
import type { Regime } from '../../actors/market/indicators/index.js';
import { randomWalk } from './random-walk.js';

const cases: [string, { adx: number; chop: number }, Regime][] = [
  ['ADX at the threshold is trending', { adx: 25, chop: 50 }, 'trending'],
  ['a strong trend stays trending even with high CHOP', { adx: 40, chop: 70 }, 'trending'],
  ['weak ADX with CHOP at 61.8 is choppy', { adx: 24.99, chop: 61.8 }, 'choppy'],
  ['weak ADX with middling CHOP is ranging', { adx: 15, chop: 50 }, 'ranging'],
  ['weak ADX with low CHOP is ranging', { adx: 10, chop: 30 }, 'ranging'],
];

for (const [name, inputs, want] of cases) {
  test(`classifyRegime: ${name}`, (t) => {
    t.is(classifyRegime(inputs), want);
  });
}

test('classifyRegime honours custom thresholds', (t) => {
  t.is(classifyRegime({ adx: 22, chop: 50 }, { trendingAdx: 20 }), 'trending');
  t.is(classifyRegime({ adx: 10, chop: 55 }, { choppyChop: 55 }), 'choppy');
});

test('RegimeClassifier agrees with classifyRegime applied to its own ADX and CHOP', (t) => {
  const classifier = new RegimeClassifier({ adxPeriod: 10, chopPeriod: 12 });
  const adx = new ADX(10);
  const chop = new ChoppinessIndex(12);
  let classified = 0;
  for (const bar of randomWalk(500, 7)) {
    const got = classifier.update(bar);
    const a = adx.update(bar);
    const c = chop.update(bar);
    if (a === undefined || c === undefined) t.is(got, undefined);
    else {
      t.is(got, classifyRegime({ adx: a.adx, chop: c }));
      classified += 1;
    }
  }
  t.is(classified, 500 - classifier.warmup + 1);
});

test('RegimeClassifier calls a steady climb trending and a tight zig-zag choppy', (t) => {
  const trend = new RegimeClassifier();
  const zigzag = new RegimeClassifier();
  for (let i = 0; i < 60; i++) {
    const p = 100 + i;
    trend.update({ high: p + 0.6, low: p - 0.4, close: p + 0.5 });
    const z = 100 + (i % 2 === 0 ? 1 : -1);
    zigzag.update({ high: z + 0.5, low: z - 0.5, close: z });
  }
  t.is(trend.value, 'trending');
  t.is(zigzag.value, 'choppy');
});

test('RegimeClassifier rejects a threshold outside 0..100', (t) => {
  t.throws(() => new RegimeClassifier({ trendingAdx: 120 }), { instanceOf: InvalidIndicatorParamError });
});
