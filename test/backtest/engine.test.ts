import test from 'ava';
import { BacktestConfigError, BarSet, runBacktest } from '../../actors/backtest/index.js';
import type { Bar } from '../../actors/domain/index.js';
import { SyntheticFeed } from '../../actors/market/index.js';
import { DonchianBreakout } from '../../examples/strategies/donchian-breakout.js';
import { MacdTrend } from '../../examples/strategies/macd-trend.js';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
// The VaR check needs 20 returns before it approves an entry; these hand-worked series are shorter.
const NO_VAR = { maxPostTradeVar: null } as never;

/** Daily bars whose open is the previous close, so every fill price is a close of the series. */
function series(closes: readonly number[], symbol = 'TEST'): Bar[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return { symbol, interval: '1d', time: START + i * DAY, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1_000_000 };
  });
}

const at = (i: number): number => START + i * DAY;

test('sma-cross buys on the golden cross and sells on the death cross, each at the next open', async (t) => {
  // fast=2, slow=4. Bar 5: fast 11 > slow 10.5 after 10 <= 10: buy floor(1000/12) = 83, fills at bar 6's open (12).
  // Bar 9: fast 12 < slow 13.5 after 15 >= 14: sell 83, fills at bar 10's open (10). P&L (10 - 12) x 83 = -166.
  const bars = series([10, 10, 10, 10, 10, 12, 14, 16, 14, 10, 8, 8, 8]);
  const r = await runBacktest({ strategy: 'sma-cross', params: { fast: 2, slow: 4, notional: 1_000 }, bars, commission: { kind: 'none' }, limits: NO_VAR });
  t.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price, f.time]), [['buy', 83, 12, at(6)], ['sell', 83, 10, at(10)]]);
  t.deepEqual(r.trades.map((x) => x.pnl), [-166]);
  t.is(r.metrics.finalEquity, 100_000 - 166);
  t.is(r.equityCurve.length, bars.length);
});

test('commission comes out of cash: the default per-share model charges its $1 minimum on each side', async (t) => {
  const bars = series([10, 10, 10, 10, 10, 12, 14, 16, 14, 10, 8, 8, 8]);
  const r = await runBacktest({ strategy: 'sma-cross', params: { fast: 2, slow: 4, notional: 1_000 }, bars, limits: NO_VAR });
  t.deepEqual(r.fills.map((f) => f.commission), [1, 1]);
  t.is(r.metrics.finalEquity, 100_000 - 166 - 2);
  t.is(r.metrics.commissions, 2);
});

test('rsi-reversion buys when RSI falls below oversold and sells when it rises above overbought', async (t) => {
  // period 2 (Wilder). Bar 2: two losses, RSI 0 < 30: buy floor(1000/98) = 10, fills at bar 3's open (98).
  // Bar 3: avg gain 0.5, avg loss 0.5, RSI 50. Bar 4: avg gain 0.75, loss 0.25, RSI 75 > 70: sell at bar 5's open (100).
  const bars = series([100, 99, 98, 99, 100, 101, 102]);
  const r = await runBacktest({ strategy: 'rsi-reversion', params: { period: 2, notional: 1_000 }, bars, commission: { kind: 'none' }, limits: NO_VAR });
  t.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price, f.time]), [['buy', 10, 98, at(3)], ['sell', 10, 100, at(5)]]);
  t.is(r.metrics.finalEquity, 100_020);
});

test('bollinger-atr enters below the lower band and exits at the middle band', async (t) => {
  // period 3, k 1, ATR 2, multiple 1. Bar 3: close 8 < lower 9.33 - 0.94: buy floor(1000/8) = 125 at bar 4's open (8),
  // stop 8 - 1 x ATR 1 = 7. Bar 5: close 10 > middle 9: sell at bar 6's open (10). P&L 2 x 125 = 250.
  const bars = series([10, 10, 10, 8, 9, 10, 10, 10]);
  const r = await runBacktest({ strategy: 'bollinger-atr', params: { period: 3, k: 1, atrPeriod: 2, atrMultiple: 1, notional: 1_000 }, bars, commission: { kind: 'none' }, limits: NO_VAR });
  t.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price, f.time]), [['buy', 125, 8, at(4)], ['sell', 125, 10, at(6)]]);
  t.is(r.metrics.finalEquity, 100_250);
});

test('bollinger-atr exits at its ATR stop when the close falls below it', async (t) => {
  // As above to the entry at 8 (stop 7); bar 4 closes at 6.9 < 7: sell at bar 5's open (6.9).
  const bars = series([10, 10, 10, 8, 6.9, 7, 7]);
  const r = await runBacktest({ strategy: 'bollinger-atr', params: { period: 3, k: 1, atrPeriod: 2, atrMultiple: 1, notional: 1_000 }, bars, commission: { kind: 'none' }, limits: NO_VAR });
  t.deepEqual(r.fills.map((f) => [f.side, f.price, f.time]), [['buy', 8, at(4)], ['sell', 6.9, at(5)]]);
  t.is(Math.round(r.metrics.finalEquity * 100) / 100, 100_000 - 137.5);
});

test('the risk checks of live trading apply in a backtest: an entry without enough return history is denied', async (t) => {
  const bars = series([10, 10, 10, 10, 10, 12, 14, 16, 14, 10, 8, 8, 8]);
  const r = await runBacktest({ strategy: 'sma-cross', params: { fast: 2, slow: 4, notional: 1_000 }, bars });
  t.deepEqual(r.fills, []);
  t.deepEqual(r.denials.map((d) => d.code), ['VAR_HISTORY_INSUFFICIENT']);
});

function synthetic(n: number, seed = 11): Bar[] {
  return new SyntheticFeed({ symbols: ['AAA', 'BBB'], seed, start: Date.UTC(2015, 0, 5) }).take(n * 2);
}

test('a backtest is deterministic: two runs with the same inputs produce identical JSON', async (t) => {
  const bars = synthetic(600);
  const run = () => runBacktest({ strategy: 'sma-cross', params: { fast: 5, slow: 20, notional: 5_000 }, bars, slippageBps: 3 });
  const [a, b] = [await run(), await run()];
  t.true(a.fills.length >= 4, `fills: ${a.fills.length}`);
  t.is(JSON.stringify(a), JSON.stringify(b));
});

test('a BarSet gives the same result as its list of bars, run after run, and on a subset of its symbols', async (t) => {
  const bars = synthetic(400);
  const set = BarSet.of(bars);
  t.deepEqual(set.symbols, ['AAA', 'BBB']);
  t.is(set.barCount, bars.length);
  const config = { strategy: 'sma-cross', params: { fast: 5, slow: 20, notional: 5_000 }, slippageBps: 3 } as const;
  const fromList = JSON.stringify(await runBacktest({ ...config, bars }));
  t.true(JSON.parse(fromList).fills.length >= 4);
  t.is(JSON.stringify(await runBacktest({ ...config, bars: set })), fromList);
  t.is(JSON.stringify(await runBacktest({ ...config, bars: set })), fromList);
  const onlyB = JSON.stringify(await runBacktest({ ...config, bars: bars.filter((b) => b.symbol === 'BBB') }));
  t.is(JSON.stringify(await runBacktest({ ...config, bars: set, symbols: ['BBB'] })), onlyB);
  t.is(JSON.stringify(await runBacktest({ ...config, bars: set, symbols: ['BBB'] })), onlyB);
});

test('a BarSet keeps what it checked: later changes to the input bars do not reach its runs', async (t) => {
  const bars = synthetic(300).map((b) => ({ ...b }));
  const set = BarSet.of(bars);
  const config = { strategy: 'sma-cross', params: { fast: 5, slow: 20, notional: 5_000 } } as const;
  const before = JSON.stringify(await runBacktest({ ...config, bars: set }));
  for (const bar of bars) (bar as { close: number }).close = Number.NaN;
  bars.length = 10;
  t.is(JSON.stringify(await runBacktest({ ...config, bars: set })), before);
  t.true(Object.isFrozen(set.tapeFor(['AAA']).slices[0]));
});

test('a BarSet refuses bad bars as runBacktest does, naming each', (t) => {
  const bars = synthetic(30);
  const bad = [...bars, { ...bars[0]!, time: bars[0]!.time + 1, close: Number.NaN }, bars[2]!];
  const error = t.throws(() => BarSet.of(bad), { instanceOf: BacktestConfigError });
  t.regex(error!.message, new RegExp(`bars\\[${bars.length}\\] \\(AAA @ ${bars[0]!.time + 1}\\): close is NaN`));
  t.regex(error!.message, new RegExp(`bars\\[${bars.length + 1}\\]: a second bar for ${bars[2]!.symbol}@${bars[2]!.time}`));
  t.throws(() => BarSet.of([]), { instanceOf: BacktestConfigError, message: /no bars given/ });
});

test('an empty list of symbols is refused', async (t) => {
  await t.throwsAsync(runBacktest({ strategy: 'sma-cross', bars: synthetic(30), symbols: [] }), { instanceOf: BacktestConfigError, message: /symbols: none given/ });
});

test('bad inputs are all reported at once, each naming its field', async (t) => {
  const bars = synthetic(30);
  const bad = [...bars, { ...bars[0]!, time: bars[0]!.time + 1, close: Number.NaN }];
  const error = await t.throwsAsync(runBacktest({ strategy: 'sma-cross', params: { fast: 30, slow: 10, speed: 1 }, bars: bad, symbols: ['AAA', 'ZZZ'], initialCash: -5 }), { instanceOf: BacktestConfigError });
  const text = error!.problems.join('\n');
  t.regex(text, /symbols: no bars for ZZZ/);
  t.regex(text, /close is NaN/);
  t.regex(text, /initialCash: must be a positive number/);
  t.regex(text, /params\.speed: unknown parameter/);
  await t.throwsAsync(runBacktest({ strategy: 'sma-cross', params: { fast: 30, slow: 10 }, bars }), { message: /fast \(30\) must be less than slow \(10\)/ });
  await t.throwsAsync(runBacktest({ strategy: 'no-such', bars }), { message: /no strategy "no-such"/ });
});

test('the example strategies run through the backtest, and the portfolio equals the venue fill log', async (t) => {
  const bars = synthetic(800, 3);
  for (const strategy of [DonchianBreakout, MacdTrend]) {
    const r = await runBacktest({ strategy, bars, commission: { kind: 'none' } });
    t.true(r.trades.length > 0, `${strategy.kind} traded`);
    const last = new Map<string, number>();
    for (const b of bars) last.set(b.symbol, b.close);
    let cash = 100_000;
    const held = new Map<string, number>();
    for (const f of r.fills) {
      const signed = f.side === 'buy' ? f.quantity : -f.quantity;
      cash -= signed * f.price + f.commission;
      held.set(f.symbol, (held.get(f.symbol) ?? 0) + signed);
    }
    const equity = [...held].reduce((s, [sym, q]) => s + q * last.get(sym)!, cash);
    t.true(Math.abs(equity - r.metrics.finalEquity) < 1e-6, `${strategy.kind}: ${equity} vs ${r.metrics.finalEquity}`);
    t.true(Number.isFinite(r.metrics.sharpe) && Number.isFinite(r.metrics.maxDrawdown));
  }
});

test('the gap-fade class of the strategy-author guide backtests: it buys gaps down and exits', async (t) => {
  const { GapFade } = await import('../../examples/strategies/gap-fade.js');
  // Bar 2 opens at 95, 5% under bar 1's close of 100: buy floor(1000/96) = 10 at bar 3's open (96).
  // Bar 4 closes at 100 >= the gap's 100: sell at bar 5's open (100).
  const bars = series([100, 100, 96, 98, 100, 100, 100]).map((b, i) => (i === 2 ? { ...b, open: 95, low: 95 } : b));
  const r = await runBacktest({ strategy: GapFade, params: { gap: 0.02, holdBars: 3, notional: 1_000 }, bars, commission: { kind: 'none' }, limits: NO_VAR });
  t.deepEqual(r.fills.map((f) => [f.side, f.quantity, f.price, f.time]), [['buy', 10, 96, at(3)], ['sell', 10, 100, at(5)]]);
});
