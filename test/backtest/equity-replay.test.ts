import test from 'ava';
import { replayEquity } from '../../actors/backtest/equity-replay.js';
import { MarketTape, seriesBySymbol } from '../../actors/backtest/market-tape.js';
import type { Bar, Fill } from '../../actors/domain/index.js';
import { applyFill, createPortfolio, markPrices } from '../../actors/portfolio/portfolio-state.js';

const DAY = 86_400_000;
const START = Date.UTC(2020, 0, 1);

/** A seeded generator (mulberry32), so the case is the same in every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Closes and fill prices with many decimals and commissions that are not round, so that any change in the
 * order of operations shows in the last bits; integer-like symbols ('10', '2'), which a record keeps ahead of
 * the others, and symbols missing from some slices.
 */
function scenario(seed: number): { bars: Bar[]; fills: Fill[] } {
  const next = random(seed);
  const symbols = ['ZED', '10', 'ALPHA', '2'];
  const bars: Bar[] = [];
  const fills: Fill[] = [];
  const held = new Map<string, number>();
  const price = new Map(symbols.map((s) => [s, 50 + next() * 100]));
  for (let day = 0; day < 400; day++) {
    const time = START + day * DAY;
    for (const symbol of symbols) {
      if (next() < 0.15) continue;
      const close = price.get(symbol)! * (1 + (next() - 0.5) * 0.04);
      price.set(symbol, close);
      bars.push({ symbol, interval: '1d', time, open: close, high: close, low: close, close, volume: 1_000 });
      if (next() < 0.2) {
        const position = held.get(symbol) ?? 0;
        const side = position > 0 && next() < 0.6 ? 'sell' : 'buy';
        const quantity = side === 'sell' && next() < 0.5 ? position + 1 + Math.floor(next() * 5) : 1 + Math.floor(next() * 40);
        held.set(symbol, position + (side === 'buy' ? quantity : -quantity));
        fills.push({
          fillId: `F${fills.length}`, clientOrderId: `C${fills.length}`, portfolioId: 'p', symbol, side, quantity,
          price: close * (1 + (next() - 0.5) * 0.01), commission: next() * 3, time, venue: 'paper',
        });
      }
    }
  }
  // The venue's log runs in time order; within a time, a fill's order need not follow the symbols'.
  return { bars: bars.reverse(), fills: fills.sort((a, b) => a.time - b.time || (a.fillId < b.fillId ? 1 : -1)) };
}

for (const seed of [1, 2, 3]) {
  test(`replayed equity is bit for bit the portfolio's after each slice's marks (seed ${seed})`, (t) => {
    const { bars, fills } = scenario(seed);
    const tape = new MarketTape(seriesBySymbol(bars));
    const curve = replayEquity(tape, fills, 100_000);
    let state = createPortfolio('p', 100_000, tape.timeOf(0));
    const held = new Map<string, number>();
    const last = new Map<string, number>();
    let f = 0;
    const expected = tape.slices.map((slice) => {
      const time = slice[0]!.time;
      for (; f < fills.length && fills[f]!.time <= time; f++) {
        state = applyFill(state, fills[f]!);
        held.set(fills[f]!.symbol, (held.get(fills[f]!.symbol) ?? 0) + (fills[f]!.side === 'buy' ? 1 : -1) * fills[f]!.quantity);
      }
      state = markPrices(state, Object.fromEntries(slice.map((b) => [b.symbol, b.close])), time);
      for (const b of slice) last.set(b.symbol, b.close);
      let gross = 0;
      for (const [symbol, quantity] of held) gross += Math.abs(quantity * (last.get(symbol) ?? 0));
      return { time, equity: state.equity, grossExposure: gross };
    });
    t.true(fills.some((x) => x.side === 'sell') && f === fills.length);
    t.deepEqual(curve, expected);
  });
}
