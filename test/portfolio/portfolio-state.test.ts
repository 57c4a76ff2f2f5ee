import test from 'ava';
import type { Fill } from '../../actors/domain/fill.js';
import { InvalidFillError } from '../../actors/portfolio/errors.js';
import {
  applyFill,
  createPortfolio,
  equityHistory,
  exposure,
  fromSnapshot,
  hasFill,
  markPrices,
  startTradingDay,
  toRiskView,
  toSnapshot,
  unrealizedPnl,
} from '../../actors/portfolio/portfolio-state.js';
import type { PortfolioState } from '../../actors/portfolio/portfolio-state.js';

let fillSeq = 0;
function fill(symbol: string, side: 'buy' | 'sell', quantity: number, price: number, commission = 1, time = 1_000 + fillSeq): Fill {
  fillSeq += 1;
  return { fillId: `F${fillSeq}`, clientOrderId: `C${fillSeq}`, portfolioId: 'p1', symbol, side, quantity, price, commission, time, venue: 'paper' };
}

/** mulberry32: a tiny seeded PRNG, so the random test is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function identityGap(state: PortfolioState): { marked: number; pnl: number } {
  let positionsValue = 0;
  for (const p of Object.values(state.positions)) positionsValue += p.quantity * (state.marks[p.symbol]?.price ?? 0);
  return {
    marked: state.equity - (state.cash + positionsValue),
    pnl: state.equity - (state.initialCash + state.realizedPnl + unrealizedPnl(state) - state.commissions),
  };
}

test('realised P&L through a long, a flip to short and a flip back is worked out by hand', (t) => {
  let s = createPortfolio('p1', 100_000, 0);
  s = applyFill(s, fill('XYZ', 'buy', 100, 50)); // long 100 @ 50, cash 100,000 - 5,000 - 1 = 94,999
  t.deepEqual([s.positions.XYZ!.quantity, s.positions.XYZ!.averageCost, s.cash], [100, 50, 94_999]);
  s = applyFill(s, fill('XYZ', 'sell', 150, 60)); // closes 100: +1,000; short 50 @ 60; cash + 9,000 - 1
  t.deepEqual([s.positions.XYZ!.quantity, s.positions.XYZ!.averageCost, s.realizedPnl, s.cash], [-50, 60, 1_000, 103_998]);
  s = applyFill(s, fill('XYZ', 'buy', 80, 55)); // covers 50: +250; long 30 @ 55; cash - 4,400 - 1
  t.deepEqual([s.positions.XYZ!.quantity, s.positions.XYZ!.averageCost, s.realizedPnl, s.cash], [30, 55, 1_250, 99_597]);
  t.is(s.commissions, 3);
  t.is(s.equity, 99_597 + 30 * 55); // 101,247 = 100,000 + 1,250 - 3
  s = markPrices(s, { XYZ: 58 }, 2_000);
  t.is(unrealizedPnl(s), 90);
  t.is(s.equity, 101_337);
  t.is(s.positions.XYZ!.realizedPnl, 1_250);
});

test('adding to a short averages its cost and closing it flat resets the cost', (t) => {
  let s = createPortfolio('p1', 10_000, 0);
  s = applyFill(s, fill('XYZ', 'sell', 10, 20, 0));
  s = applyFill(s, fill('XYZ', 'sell', 30, 24, 0));
  t.is(s.positions.XYZ!.averageCost, 23);
  s = applyFill(s, fill('XYZ', 'buy', 40, 21, 0));
  t.deepEqual([s.positions.XYZ!.quantity, s.positions.XYZ!.averageCost, s.realizedPnl], [0, 0, 80]);
  t.is(s.equity, 10_080);
});

test('a fill applied twice changes nothing and returns the same state', (t) => {
  const f = fill('XYZ', 'buy', 10, 10);
  const once = applyFill(createPortfolio('p1', 1_000, 0), f);
  t.is(applyFill(once, { ...f }), once);
  t.true(hasFill(once, f.fillId));
});

test('older states do not see fills applied to newer ones, and branches stay apart', (t) => {
  const base = applyFill(createPortfolio('p1', 1_000, 0), fill('XYZ', 'buy', 1, 10));
  const f1 = fill('XYZ', 'buy', 1, 11);
  const f2 = fill('XYZ', 'buy', 1, 12);
  const b = applyFill(base, f1);
  const c = applyFill(base, f2);
  t.false(hasFill(base, f1.fillId));
  t.true(hasFill(b, f1.fillId) && !hasFill(b, f2.fillId));
  t.true(hasFill(c, f2.fillId) && !hasFill(c, f1.fillId));
  t.is(applyFill(c, f1).positions.XYZ!.quantity, 3);
  t.is(equityHistory(base).length, 2);
  t.is(equityHistory(b).length, 3);
});

test('the accounting identity holds after every one of thousands of random fills, replays and marks', (t) => {
  const random = prng(20_240_313);
  const symbols = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'];
  const prices: Record<string, number> = { AAA: 10, BBB: 55.5, CCC: 120, DDD: 3.21, EEE: 980 };
  let s = createPortfolio('p1', 1_000_000, 0);
  const applied: Fill[] = [];
  let worst = 0;
  for (let i = 0; i < 5_000; i += 1) {
    const roll = random();
    if (roll < 0.1 && applied.length > 0) {
      const replay = applied[Math.floor(random() * applied.length)]!;
      t.is(applyFill(s, replay), s);
      continue;
    }
    const symbol = symbols[Math.floor(random() * symbols.length)]!;
    prices[symbol] = Math.max(0.01, Math.round(prices[symbol]! * (1 + (random() - 0.5) * 0.04) * 100) / 100);
    if (roll < 0.25) {
      s = markPrices(s, { [symbol]: prices[symbol]! }, i);
    } else {
      const f: Fill = {
        fillId: `R${i}`, clientOrderId: `RC${i}`, portfolioId: 'p1', symbol, side: random() < 0.5 ? 'buy' : 'sell',
        quantity: 1 + Math.floor(random() * 500), price: prices[symbol]!, commission: Math.round(random() * 300) / 100, time: i, venue: 'paper',
      };
      s = applyFill(s, f);
      applied.push(f);
    }
    const gap = identityGap(s);
    const scale = Math.max(1, exposure(s).gross + Math.abs(s.cash));
    worst = Math.max(worst, Math.abs(gap.marked) / scale, Math.abs(gap.pnl) / scale);
  }
  t.true(worst < 1e-9, `worst relative gap ${worst}`);
  t.is(toSnapshot(s).fillIds.length, applied.length);
  t.true(applied.length > 3_000);
});

test('exposure, the risk view and the peak and drawdown follow the marks', (t) => {
  let s = createPortfolio('p1', 10_000, 0);
  s = applyFill(s, fill('AAA', 'buy', 10, 100, 0));
  s = applyFill(s, fill('BBB', 'sell', 5, 200, 0));
  t.deepEqual(exposure(s), { gross: 2_000, net: 0, bySymbol: { AAA: 1_000, BBB: -1_000 } });
  s = startTradingDay(s, 2_000);
  s = markPrices(s, { AAA: 80 }, 3_000);
  t.is(s.equity, 9_800);
  t.is(s.maxDrawdownPct, 0.02);
  t.deepEqual(toRiskView(s), {
    portfolioId: 'p1', cash: 10_000, equity: 9_800, positions: { AAA: 10, BBB: -5 }, marks: { AAA: 80, BBB: 200 }, startOfDayEquity: 10_000, peakEquity: 10_000,
  });
});

test('the risk view lists a flat symbol as 0, in the order first traded, so its key set only grows', (t) => {
  let s = applyFill(createPortfolio('p1', 10_000, 0), fill('AAA', 'buy', 10, 100, 0));
  s = applyFill(s, fill('BBB', 'buy', 5, 20, 0));
  s = applyFill(s, fill('AAA', 'sell', 10, 110, 0));
  t.deepEqual(toRiskView(s).positions, { AAA: 0, BBB: 5 });
  t.deepEqual(Object.keys(toRiskView(s).positions), ['AAA', 'BBB']);
  s = applyFill(s, fill('AAA', 'sell', 3, 110, 0));
  t.deepEqual(Object.entries(toRiskView(s).positions), [['AAA', -3], ['BBB', 5]]);
});

test('a mark older than the current one is ignored', (t) => {
  let s = applyFill(createPortfolio('p1', 1_000, 0), fill('AAA', 'buy', 1, 10, 0, 5_000));
  s = markPrices(s, { AAA: 1 }, 4_000);
  t.is(s.marks.AAA!.price, 10);
});

test('a snapshot survives a JSON round trip with its fill ids', (t) => {
  const f = fill('AAA', 'buy', 3, 10);
  const s = applyFill(createPortfolio('p1', 1_000, 0), f);
  const restored = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(s))));
  t.is(applyFill(restored, f), restored);
  t.is(restored.equity, s.equity);
  t.deepEqual(equityHistory(restored), equityHistory(s));
});

test('a fill for another portfolio or with a bad quantity is refused', (t) => {
  const s = createPortfolio('p1', 1_000, 0);
  t.throws(() => applyFill(s, { ...fill('AAA', 'buy', 1, 10), portfolioId: 'p2' }), { instanceOf: InvalidFillError });
  const error = t.throws(() => applyFill(s, fill('AAA', 'buy', 0.5, 10)), { instanceOf: InvalidFillError });
  t.regex(error!.message, /quantity/);
});
