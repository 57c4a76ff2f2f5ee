import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  ADX,
  ATR,
  BollingerBands,
  ChoppinessIndex,
  EMA,
  InvalidIndicatorInputError,
  InvalidIndicatorParamError,
  MACD,
  RSI,
  RollingVolatility,
  SMA,
} from '../../actors/market/indicators/index.js';
import type { Indicator } from '../../actors/market/indicators/index.js';
import { randomWalk } from './random-walk.js';
import {
  refAdx,
  refAtr,
  refBollinger,
  refChop,
  refEma,
  refMacd,
  refRsi,
  refSma,
  refVolatility,
} from './reference-indicators.js';

const bars = randomWalk(500, 20240601);
const closes = bars.map((b) => b.close);

/** Relative 1e-9 for values of magnitude >= 1, absolute 1e-9 below (MACD histograms sit near 0). */
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function assertSeries<In>(
  t: ExecutionContext,
  ind: Indicator<In, unknown>,
  inputs: readonly In[],
  expected: readonly unknown[],
): void {
  let mismatches = 0;
  inputs.forEach((input, i) => {
    const got = ind.update(input);
    const want = expected[i];
    const ok =
      want === undefined
        ? got === undefined
        : typeof want === 'number'
          ? typeof got === 'number' && close(got, want)
          : got !== undefined &&
            Object.entries(want as Record<string, number>).every(([k, v]) =>
              close((got as Record<string, number>)[k]!, v),
            );
    if (!ok && mismatches++ < 3) t.fail(`input ${i}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  });
  t.is(mismatches, 0);
  t.is(ind.ready, expected.at(-1) !== undefined);
}

for (const period of [1, 2, 14, 50]) {
  test(`SMA(${period}) matches the mean of each window over a 500-bar random walk`, (t) => {
    assertSeries(t, new SMA(period), closes, refSma(closes, period));
  });
  test(`EMA(${period}) matches explicit recursion seeded with the SMA of the first ${period}`, (t) => {
    assertSeries(t, new EMA(period), closes, refEma(closes, period));
  });
  test(`RSI(${period}) matches the textbook Wilder formulas`, (t) => {
    assertSeries(t, new RSI(period), closes, refRsi(closes, period));
  });
  test(`ATR(${period}) matches Wilder's average of the textbook true range`, (t) => {
    assertSeries(t, new ATR(period), bars, refAtr(bars, period));
  });
  test(`ADX(${period}) matches Wilder's running-sum formulation`, (t) => {
    assertSeries(t, new ADX(period), bars, refAdx(bars, period));
  });
}

for (const [period, k] of [[20, 2], [5, 1.5], [1, 2]] as const) {
  test(`Bollinger(${period}, ${k}) matches the mean and population std dev of each window`, (t) => {
    assertSeries(t, new BollingerBands(period, k), closes, refBollinger(closes, period, k));
  });
}

for (const period of [2, 14, 30]) {
  test(`Choppiness(${period}) matches the formula over sliced windows`, (t) => {
    assertSeries(t, new ChoppinessIndex(period), bars, refChop(bars, period));
  });
}

for (const [fast, slow, signal] of [[12, 26, 9], [3, 10, 4], [1, 2, 1]] as const) {
  test(`MACD(${fast}, ${slow}, ${signal}) matches the reference built from recursive EMAs`, (t) => {
    assertSeries(t, new MACD({ fast, slow, signal }), closes, refMacd(closes, fast, slow, signal));
  });
}

for (const [window, ppy] of [[20, undefined], [10, 252], [2, 52]] as const) {
  test(`rolling volatility(${window}${ppy ? `, annualised ${ppy}` : ''}) matches the sample std dev of log returns`, (t) => {
    assertSeries(t, new RollingVolatility({ window, periodsPerYear: ppy }), closes, refVolatility(closes, window, ppy));
  });
}

test('SMA(3) of 1..5 is undefined, undefined, 2, 3, 4', (t) => {
  const sma = new SMA(3);
  t.deepEqual([1, 2, 3, 4, 5].map((x) => sma.update(x)), [undefined, undefined, 2, 3, 4]);
});

test('EMA(3) of 1, 2, 3, 10 is seeded with 2 and then moves half way to 10', (t) => {
  const ema = new EMA(3);
  t.deepEqual([1, 2, 3, 10].map((x) => ema.update(x)), [undefined, undefined, 2, 6]);
});

test('RSI(3) of 1, 2, 3, 2, 3 is 200/3 and then 700/9 by hand', (t) => {
  const rsi = new RSI(3);
  const out = [1, 2, 3, 2, 3].map((x) => rsi.update(x));
  t.deepEqual(out.slice(0, 3), [undefined, undefined, undefined]);
  // gains 1,1,0 / losses 0,0,1: avg 2/3 vs 1/3, RS 2; then 7/9 vs 2/9, RS 3.5
  t.true(close(out[3]!, 100 - 100 / 3));
  t.true(close(out[4]!, 100 - 100 / 4.5));
});

test('RSI is 100 on a rising series and 50 on a flat one', (t) => {
  const up = new RSI(3);
  [1, 2, 3, 4, 5].forEach((x) => up.update(x));
  t.is(up.value, 100);
  const flat = new RSI(3);
  [7, 7, 7, 7].forEach((x) => flat.update(x));
  t.is(flat.value, 50);
});

test('Bollinger(8, 2) of 2, 4, 4, 4, 5, 5, 7, 9 has middle 5, population std dev 2, bands 1 and 9', (t) => {
  const bb = new BollingerBands(8, 2);
  let v;
  for (const x of [2, 4, 4, 4, 5, 5, 7, 9]) v = bb.update(x);
  t.deepEqual(v, { middle: 5, upper: 9, lower: 1, stdDev: 2 });
});

const handBars = [
  { high: 10, low: 8, close: 9 },
  { high: 11, low: 9, close: 10 },
  { high: 12, low: 9, close: 11 },
  { high: 11, low: 10, close: 10.5 },
];

test('ATR(3) of four hand-made bars is 7/3 and then 17/9', (t) => {
  const atr = new ATR(3);
  const out = handBars.map((b) => atr.update(b));
  // true ranges 2, 2, 3, 1
  t.deepEqual(out.slice(0, 2), [undefined, undefined]);
  t.true(close(out[2]!, 7 / 3));
  t.true(close(out[3]!, 17 / 9));
});

test('Choppiness(2) of two hand-made bars is 100 * log10(4 / 3) / log10(2)', (t) => {
  const chop = new ChoppinessIndex(2);
  t.is(chop.update(handBars[0]!), undefined);
  t.true(close(chop.update(handBars[1]!)!, (100 * Math.log10(4 / 3)) / Math.log10(2)));
});

test('Choppiness is 100 when the window has no range at all', (t) => {
  const chop = new ChoppinessIndex(3);
  for (let i = 0; i < 3; i++) chop.update({ high: 5, low: 5, close: 5 });
  t.is(chop.value, 100);
});

test('rolling sums and variances stay within 1e-9 of a fresh computation after 200,000 updates', (t) => {
  const sma = new SMA(20);
  const bb = new BollingerBands(20, 2);
  const xs: number[] = [];
  let x = 10_000;
  for (let i = 0; i < 200_000; i++) {
    x += Math.sin(i * 0.7) * 3 + ((i * 7919) % 13) / 100;
    xs.push(x);
    sma.update(x);
    bb.update(x);
  }
  const want = refBollinger(xs.slice(-20), 20, 2).at(-1)!;
  t.true(close(sma.value!, want.middle));
  t.true(close(bb.value!.upper, want.upper));
  t.true(close(bb.value!.lower, want.lower));
});

const factories: [string, () => Indicator<never, unknown>, number][] = [
  ['SMA(5)', () => new SMA(5), 5],
  ['EMA(5)', () => new EMA(5), 5],
  ['RSI(5)', () => new RSI(5), 6],
  ['Bollinger(5)', () => new BollingerBands(5), 5],
  ['ATR(5)', () => new ATR(5), 5],
  ['MACD(3, 6, 4)', () => new MACD({ fast: 3, slow: 6, signal: 4 }), 9],
  ['ADX(5)', () => new ADX(5), 10],
  ['Choppiness(5)', () => new ChoppinessIndex(5), 5],
  ['volatility(5)', () => new RollingVolatility({ window: 5 }), 6],
];

for (const [name, make, warmup] of factories) {
  test(`${name} produces its first value exactly at input ${warmup}, as warmup says`, (t) => {
    const ind = make() as Indicator<unknown, unknown>;
    t.is(ind.warmup, warmup);
    const input = (i: number) => (ind instanceof ATR || ind instanceof ADX || ind instanceof ChoppinessIndex ? bars[i] : closes[i]);
    for (let i = 0; i < warmup - 1; i++) t.is(ind.update(input(i)), undefined);
    t.false(ind.ready);
    t.not(ind.update(input(warmup - 1)), undefined);
    t.true(ind.ready);
  });

  test(`${name} after reset() repeats what a fresh instance computes`, (t) => {
    const used = make() as Indicator<unknown, unknown>;
    const fresh = make() as Indicator<unknown, unknown>;
    const isBar = used instanceof ATR || used instanceof ADX || used instanceof ChoppinessIndex;
    const input = (i: number) => (isBar ? bars[i] : closes[i]);
    for (let i = 0; i < 40; i++) used.update(input(i + 100));
    used.reset();
    t.false(used.ready);
    t.is(used.value, undefined);
    for (let i = 0; i < 40; i++) t.deepEqual(used.update(input(i)), fresh.update(input(i)));
  });
}

const badParams: [string, () => unknown][] = [
  ['SMA period 0', () => new SMA(0)],
  ['EMA period 2.5', () => new EMA(2.5)],
  ['RSI period NaN', () => new RSI(Number.NaN)],
  ['ATR period -1', () => new ATR(-1)],
  ['ADX period 0', () => new ADX(0)],
  ['Choppiness period 1 (log10(1) = 0)', () => new ChoppinessIndex(1)],
  ['Bollinger k 0', () => new BollingerBands(20, 0)],
  ['MACD fast not below slow', () => new MACD({ fast: 26, slow: 12 })],
  ['volatility window 1', () => new RollingVolatility({ window: 1 })],
  ['volatility periodsPerYear -252', () => new RollingVolatility({ periodsPerYear: -252 })],
];

for (const [name, make] of badParams) {
  test(`rejects ${name} with an InvalidIndicatorParamError`, (t) => {
    const err = t.throws(make, { instanceOf: InvalidIndicatorParamError });
    t.is(err?.code, 'INVALID_INDICATOR_PARAM');
  });
}

test('a NaN input throws InvalidIndicatorInputError and leaves the state unchanged', (t) => {
  const sma = new SMA(2);
  sma.update(1);
  sma.update(3);
  t.throws(() => sma.update(Number.NaN), { instanceOf: InvalidIndicatorInputError });
  t.is(sma.value, 2);
  t.is(sma.update(5), 4);
});

test('a bar with high below low throws InvalidIndicatorInputError', (t) => {
  t.throws(() => new ATR(3).update({ high: 9, low: 10, close: 9.5 }), { instanceOf: InvalidIndicatorInputError });
});

test('rolling volatility rejects a non-positive price', (t) => {
  t.throws(() => new RollingVolatility().update(0), { instanceOf: InvalidIndicatorInputError });
});
