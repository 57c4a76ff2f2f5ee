import test from 'ava';
import { BacktestConfigError, runBacktest, timeSlices } from '../../actors/backtest/index.js';
import type { Bar } from '../../actors/domain/bar.js';
import { MarketTape, seriesBySymbol } from '../../actors/backtest/market-tape.js';

const DAY = 86_400_000;
const START = Date.UTC(2020, 0, 2);

function bar(symbol: string, day: number, close = 10 + day): Bar {
  return { symbol, interval: '1d', time: START + day * DAY, open: close, high: close + 1, low: close - 1, close, volume: 1_000 };
}

/** The slicing the engine used to do: sort every bar by time, then symbol, and group equal times. */
function referenceSlices(bars: readonly Bar[]): Bar[][] {
  const sorted = [...bars].sort((a, b) => a.time - b.time || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const slices: Bar[][] = [];
  for (const b of sorted) {
    const last = slices[slices.length - 1];
    if (last !== undefined && last[0]!.time === b.time) last.push(b);
    else slices.push([b]);
  }
  return slices;
}

test('time slices of shuffled bars with holes and late starters equal sorting and grouping them all', (t) => {
  let seed = 11;
  const random = (): number => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  for (let round = 0; round < 20; round++) {
    const bars: Bar[] = [];
    for (const symbol of ['ZZZ', 'AAA', 'MMM', 'BBB']) {
      const first = Math.floor(random() * 30);
      for (let day = first; day < 60; day++) if (random() > 0.3) bars.push(bar(symbol, day));
    }
    for (let i = bars.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [bars[i], bars[j]] = [bars[j]!, bars[i]!];
    }
    t.deepEqual(timeSlices(bars), referenceSlices(bars), `round ${round}`);
  }
});

test('the bars of a slice for some symbols are those of the slice with those symbols, in the slice order', (t) => {
  let seed = 5;
  const random = (): number => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  const names = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'];
  const bars: Bar[] = [];
  for (const symbol of names) for (let day = 0; day < 40; day++) if (random() > 0.3) bars.push(bar(symbol, day));
  const tape = new MarketTape(seriesBySymbol(bars));
  // Ascending (as a run asks), then descending and at random: the tape's search hints must change no answer.
  const ks = tape.slices.map((_, k) => k);
  const order = [...ks, ...ks.reverse(), ...ks.map(() => Math.floor(random() * ks.length))];
  for (const k of order) {
    const wanted = names.filter(() => random() > 0.5).reverse();
    if (random() > 0.7) wanted.push('ZZZ');
    const expected = tape.slices[k]!.filter((b) => wanted.includes(b.symbol));
    t.deepEqual(tape.barsOf(k, wanted), expected, `slice ${k}, symbols ${wanted.join(',')}`);
  }
});

test('a second bar for the same symbol and time is refused, wherever it sits in unsorted input', async (t) => {
  const bars = [bar('AAA', 3), bar('BBB', 1), bar('AAA', 1), bar('BBB', 2), bar('AAA', 2), bar('AAA', 1, 99)];
  const error = await t.throwsAsync(runBacktest({ strategy: 'sma-cross', params: { fast: 2, slow: 3 }, bars }), { instanceOf: BacktestConfigError });
  t.regex(error!.message, /a second bar for AAA@/);
});

test('mixed intervals are refused, named in order of first appearance', async (t) => {
  const bars: Bar[] = [bar('AAA', 1), { ...bar('BBB', 1), interval: '1h' }, bar('AAA', 2), { ...bar('BBB', 2), interval: '1wk' }, { ...bar('BBB', 3), interval: '1h' }];
  const error = await t.throwsAsync(runBacktest({ strategy: 'sma-cross', params: { fast: 2, slow: 3 }, bars }), { instanceOf: BacktestConfigError });
  t.regex(error!.message, /bars: mixed intervals 1d, 1h, 1wk/);
});
