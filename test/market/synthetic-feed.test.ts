import test from 'ava';
import { barProblems, INTERVAL_MS } from '../../actors/domain/bar.js';
import { InvalidMarketOptionsError } from '../../actors/market/errors.js';
import { SyntheticFeed, isSyntheticBar } from '../../actors/market/synthetic-feed.js';
import type { SyntheticBar } from '../../actors/market/synthetic-feed.js';
import { MARKET_REGIMES } from '../../actors/market/synthetic-model.js';

const start = Date.UTC(2024, 0, 1);

/** The bars' numbers as raw float64 bytes, so equality is bit for bit (not just ===). */
function bits(bars: readonly SyntheticBar[]): Buffer {
  const f = new Float64Array(bars.length * 6);
  bars.forEach((b, i) => f.set([b.time, b.open, b.high, b.low, b.close, b.volume], i * 6));
  return Buffer.from(f.buffer);
}

test('the same seed gives the same bars bit for bit', (t) => {
  const a = new SyntheticFeed({ symbols: ['AAA', 'BBB'], seed: 42, start }).take(500);
  const b = new SyntheticFeed({ symbols: ['AAA', 'BBB'], seed: 42, start }).take(500);
  t.true(bits(a).equals(bits(b)));
  t.deepEqual(a.map((x) => x.regime), b.map((x) => x.regime));
});

test('a different seed gives different bars', (t) => {
  const a = new SyntheticFeed({ symbols: ['AAA'], seed: 1, start }).take(50);
  const b = new SyntheticFeed({ symbols: ['AAA'], seed: 2, start }).take(50);
  t.false(bits(a).equals(bits(b)));
});

test('adding a symbol leaves the other symbols\' bars unchanged', (t) => {
  const alone = new SyntheticFeed({ symbols: ['AAA'], seed: 9, start }).take(200);
  const withOthers = new SyntheticFeed({ symbols: ['ZZZ', 'AAA', 'BBB'], seed: 9, start })
    .take(200)
    .filter((b) => b.symbol === 'AAA');
  t.true(bits(alone).equals(bits(withOthers)));
});

test('every bar passes validateBar, sits on the 0.01 tick grid and is labelled synthetic', (t) => {
  const feed = new SyntheticFeed({ symbols: ['AAA', 'BBB', 'CCC'], seed: 5, start, initialPrices: { CCC: 0.5 } });
  for (const bar of feed.take(3_000)) {
    t.deepEqual(barProblems(bar), []);
    for (const p of [bar.open, bar.high, bar.low, bar.close]) t.is(Math.round(p * 100) / 100, p);
    t.true(Number.isInteger(bar.volume));
    t.is(bar.source, 'synthetic');
    t.true(isSyntheticBar(bar));
    t.true(Object.isFrozen(bar));
  }
});

test('next() returns one bar per symbol at the same time, and steps advance by the interval', (t) => {
  const feed = new SyntheticFeed({ symbols: ['AAA', 'BBB'], seed: 1, start, interval: '5m', initialPrices: { AAA: 250 } });
  const first = feed.next();
  t.deepEqual(first.map((b) => [b.symbol, b.time, b.interval]), [['AAA', start, '5m'], ['BBB', start, '5m']]);
  t.is(first[0]!.open, 250);
  t.is(first[1]!.open, 100);
  const second = feed.next();
  t.is(second[0]!.time, start + INTERVAL_MS['5m']);
  t.is(second[0]!.open, first[0]!.close);
  t.is(feed.steps, 2);
  t.is(feed.time, start + 2 * INTERVAL_MS['5m']);
});

test('take(n) continues where next() left off, in time order', (t) => {
  const a = new SyntheticFeed({ symbols: ['AAA', 'BBB'], seed: 3, start });
  const b = new SyntheticFeed({ symbols: ['AAA', 'BBB'], seed: 3, start });
  const stepped = [...a.next(), ...a.next(), ...a.next()];
  t.true(bits(b.take(3)).equals(bits(stepped)));
  t.deepEqual(b.take(2).map((x) => x.symbol), ['AAA', 'BBB', 'AAA', 'BBB']);
});

test('the regime chain visits every regime, and volatile bars move more than sideways ones', (t) => {
  const bars = new SyntheticFeed({ symbols: ['AAA'], seed: 11, start }).take(20_000);
  const moves = new Map<string, number[]>();
  for (const b of bars) {
    const list = moves.get(b.regime) ?? [];
    list.push(Math.abs(Math.log(b.close / b.open)));
    moves.set(b.regime, list);
  }
  t.deepEqual([...moves.keys()].sort(), [...MARKET_REGIMES].sort());
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  t.true(mean(moves.get('volatile')!) > 2 * mean(moves.get('sideways')!));
});

test('describe() says the feed is synthetic', (t) => {
  t.regex(new SyntheticFeed({ symbols: ['AAA'], seed: 42, start }).describe(), /^synthetic feed .*seed 42/);
});

test('invalid options are all reported at once, each naming its field', (t) => {
  const err = t.throws(
    () =>
      new SyntheticFeed({
        symbols: ['AAA', 'AAA'],
        seed: Number.NaN,
        start: -5,
        tickSize: 0,
        initialPrices: { ZZZ: 10, AAA: -1 },
        regimes: { bull: { volatility: -1 } },
      }),
    { instanceOf: InvalidMarketOptionsError },
  );
  for (const field of ['symbols must be unique', 'seed', 'start', 'tickSize', 'initialPrices.ZZZ', 'initialPrices.AAA', 'regimes.bull.volatility']) {
    t.true(err!.problems.some((p) => p.startsWith(field)), field);
  }
});

test('seed 42 still produces the pinned first bars (a model change would alter recorded backtests)', (t) => {
  const [a, b] = new SyntheticFeed({ symbols: ['AAA'], seed: 42, start }).take(2);
  t.deepEqual(
    [a, b].map((x) => [x!.open, x!.high, x!.low, x!.close, x!.volume, x!.regime]),
    [
      [100, 100.54, 99.91, 100.54, 1007789, 'sideways'],
      [100.54, 100.89, 100.54, 100.79, 1362319, 'sideways'],
    ],
  );
});
