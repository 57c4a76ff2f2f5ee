import test from 'ava';
import { runBacktest } from '../../actors/backtest/engine.js';
import type { BacktestConfig, BacktestResult } from '../../actors/backtest/engine.js';
import { defineParams, Strategy } from '../../actors/strategy/index.js';
import type { StrategyClass, StrategyProtocol } from '../../actors/strategy/index.js';
import type { ActorContext } from '../../runtime/index.js';
import { DonchianBreakout } from '../../examples/strategies/donchian-breakout.js';
import { MacdTrend } from '../../examples/strategies/macd-trend.js';
import { bars, Reactive, RestingLimits } from './strategies.js';

const STRATEGIES: readonly [string, StrategyClass<any> | string, unknown][] = [
  ['sma-cross', 'sma-cross', { fast: 3, slow: 9, notional: 5_000 }],
  ['rsi-reversion', 'rsi-reversion', { period: 3, notional: 5_000 }],
  ['bollinger-atr', 'bollinger-atr', { period: 6, k: 1, atrPeriod: 3, atrMultiple: 1, notional: 5_000 }],
  ['donchian-breakout (example)', DonchianBreakout, { entry: 6, exit: 3, notional: 5_000 }],
  ['macd-trend (example)', MacdTrend, { fast: 3, slow: 8, signal: 3, notional: 5_000, maxHoldBars: 10 }],
  ['limit orders resting several bars', RestingLimits, {}],
  ['orders from timers, fills and denials', Reactive, {}],
];

const SETUPS: readonly [string, Partial<BacktestConfig>][] = [
  // Default limits: daily loss and drawdown on (marks every slice), VaR checks deny early entries.
  ['default limits, commission and 5 bps slippage', { slippageBps: 5 }],
  // Neither equity-path limit: marks go only with catch-ups. Fills capped at a sliver of volume rest for bars.
  ['no equity-path limits, partial fills by participation', {
    commission: { kind: 'none' }, maxParticipation: 0.00002, limits: { maxDailyLoss: null, maxDrawdownPct: null, maxPostTradeVar: null } as never,
  }],
  // Tight equity-path limits that halt or restrict mid-run.
  ['tight equity-path limits that halt', { slippageBps: 20, limits: { maxDrawdownPct: 0.004, maxDailyLoss: 150, maxPostTradeVar: null } as never }],
];

const HALT_CODES = ['TRADING_HALTED', 'REDUCING_ONLY'];

/** Undefined when equal, else the neighbourhood of the first difference (a diff of whole results takes ava minutes). */
function firstDifference(actual: string, expected: string): string | undefined {
  if (actual === expected) return undefined;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  return `differ at ${i}:\n  lazy:  …${actual.slice(Math.max(0, i - 150), i + 150)}\n  eager: …${expected.slice(Math.max(0, i - 150), i + 150)}`;
}

for (const [name, strategy, params] of STRATEGIES) {
  test(`${name}: the lazy feed gives the eager feed's result, byte for byte, under every setup`, async (t) => {
    const series = bars(260, 21);
    for (const [setupName, setup] of SETUPS) {
      const config: BacktestConfig = { strategy, params, bars: series, ...setup };
      const eager = await runBacktest(config, { feed: 'eager' });
      t.true(eager.fills.length + eager.denials.length > 0, `${setupName}: the run did something`);
      const expected = JSON.stringify(eager);
      const lazy = JSON.stringify(await runBacktest(config));
      t.is(firstDifference(lazy, expected), undefined, setupName);
      const smallChunks = JSON.stringify(await runBacktest(config, { slicesPerChunk: 3 }));
      t.is(firstDifference(smallChunks, expected), undefined, `${setupName}, 3 slices per chunk`);
    }
  });
}

test('the equity-path setup does halt or restrict trading, so the eager marks are exercised', async (t) => {
  const series = bars(260, 21);
  const halted: string[] = [];
  for (const [name, strategy, params] of STRATEGIES) {
    const r: BacktestResult = await runBacktest({ strategy, params, bars: series, ...SETUPS[2]![1] });
    if (r.denials.some((d) => HALT_CODES.includes(d.code))) halted.push(name);
  }
  t.true(halted.length >= 3, `halted: ${halted.join(', ')}`);
});

const taken: { from: number; to: number }[] = [];

/** Never trades; records the slices it is offered. */
class Watcher extends Strategy {
  static readonly kind = 'watcher';
  static readonly description = 'never trades';
  static readonly params = defineParams(Watcher.kind, {});

  override receive(msg: StrategyProtocol, ctx: ActorContext<StrategyProtocol>): void {
    if (msg.type === 'market.slices') taken.push({ from: msg.from, to: msg.to });
    super.receive(msg, ctx);
  }
}

test('a strategy that never trades takes its bars in a few large chunks, and progress is told after each', async (t) => {
  taken.length = 0;
  const series = bars(400, 4);
  const progress: [number, number][] = [];
  const r = await runBacktest({ strategy: Watcher, bars: series, onProgress: (done, total) => progress.push([done, total]) }, { slicesPerChunk: 100 });
  const slices = r.equityCurve.length;
  t.is(taken.length, Math.ceil(slices / 100));
  t.deepEqual(taken.map((c) => c.to - c.from), taken.map((c) => Math.min(100, slices - c.from)));
  t.deepEqual(r.fills, []);
  t.is(progress.length, taken.length);
  t.deepEqual(progress.at(-1), [series.length, series.length]);
  t.true(progress.every(([done], i) => i === 0 || done > progress[i - 1]![0]));
});
