/**
 * Bars/s through the actor backtest (moving-average crossover) against a plain loop computing the same
 * strategy with the same fill model in the same run; and bars/s of a strategy that never orders, the
 * engine's own cost per bar.
 *   npm run bench -- backtest [--json] [--quick] [--data DIR] [--fast 10] [--slow 30]
 * Without --data it generates seeded synthetic bars, so it runs anywhere.
 */
import { cpus, loadavg } from 'node:os';
import { loadCsvDir, SMA, SyntheticFeed } from '../actors/market/index.js';
import type { Bar } from '../actors/domain/index.js';
import { BarSet, runBacktest } from '../actors/backtest/index.js';
import { SmaCross } from '../actors/strategy/index.js';
import { arg, median, now, perSecond, progress, report } from './_harness.js';

const dataDir = arg('data');
const fast = Number(arg('fast') ?? 10);
const slow = Number(arg('slow') ?? 30);
const notional = 10_000;
const runs = process.argv.includes('--quick') ? 1 : 3;
/**
 * Runs before the measured ones: V8 needs about three runs of the whole engine to optimise it (the first
 * three ran at roughly a quarter, half and nine tenths of the steady rate on this VM).
 */
const warmUps = process.argv.includes('--quick') ? 1 : 3;

async function loadBars(): Promise<{ bars: Bar[]; source: string }> {
  if (dataDir !== undefined) {
    const files = await loadCsvDir(dataDir);
    return { bars: [...files.values()].flatMap((f) => f.bars), source: dataDir };
  }
  const feed = new SyntheticFeed({ symbols: ['SYN1', 'SYN2', 'SYN3', 'SYN4'], seed: 7, start: Date.UTC(2000, 0, 3) });
  return { bars: feed.take(5_000 * 4), source: 'synthetic (seed 7)' };
}

/** The same rules and fills as SmaCross + PaperVenue (no commission, no slippage), one symbol at a time. */
function plainLoop(bySymbol: Map<string, Bar[]>): { trades: number; pnl: number } {
  let trades = 0;
  let pnl = 0;
  for (const bars of bySymbol.values()) {
    const f = new SMA(fast);
    const s = new SMA(slow);
    let prevF: number | undefined;
    let prevS: number | undefined;
    let qty = 0;
    let pending = 0; // +n buy, -n sell, filled at the next open
    let entry = 0;
    for (const bar of bars) {
      if (pending !== 0) {
        if (pending > 0) {
          qty = pending;
          entry = bar.open;
        } else {
          pnl += (bar.open - entry) * qty;
          qty = 0;
          trades++;
        }
        pending = 0;
      }
      const fv = f.update(bar.close);
      const sv = s.update(bar.close);
      if (fv !== undefined && sv !== undefined && prevF !== undefined && prevS !== undefined) {
        if (qty === 0 && fv > sv && prevF <= prevS) pending = Math.floor(notional / bar.close);
        else if (qty > 0 && fv < sv && prevF >= prevS) pending = -qty;
      }
      prevF = fv;
      prevS = sv;
    }
  }
  return { trades, pnl };
}

const { bars, source } = await loadBars();
const bySymbol = new Map<string, Bar[]>();
for (const b of bars) (bySymbol.get(b.symbol) ?? bySymbol.set(b.symbol, []).get(b.symbol)!).push(b);
for (const list of bySymbol.values()) list.sort((a, b) => a.time - b.time);
progress(`${bars.length.toLocaleString()} bars of ${bySymbol.size} symbols from ${source}; sma-cross fast=${fast} slow=${slow}; median of ${runs} after ${warmUps} warm-up runs`);

// The real-bar prices predate the risk limits' assumptions (tiny split-adjusted prices, decades of data),
// so the run lifts the limits that would otherwise deny most entries; the point is the machinery's speed.
const limits = { maxPostTradeVar: null, maxDrawdownPct: null, maxDailyLoss: null, maxConcentrationPct: 1, maxPositionQuantity: 1_000_000_000 } as never;

// The bars are checked and laid out once, as a BarSet, as the plain loop's are grouped by symbol before its
// timing; the runs given the plain list (checked and laid out each time) are measured too.
const barSet = BarSet.of(bars);
const actorRates: number[] = [];
let last: Awaited<ReturnType<typeof runBacktest>> | undefined;
for (let i = 0; i < warmUps + runs; i++) {
  const t0 = now();
  last = await runBacktest({ strategy: 'sma-cross', params: { fast, slow, notional }, bars: barSet, commission: { kind: 'none' }, initialCash: 10_000_000, limits });
  if (i >= warmUps) actorRates.push(perSecond(bars.length, now() - t0));
}
const listRates: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = now();
  const fromList = await runBacktest({ strategy: 'sma-cross', params: { fast, slow, notional }, bars, commission: { kind: 'none' }, initialCash: 10_000_000, limits });
  listRates.push(perSecond(bars.length, now() - t0));
  if (fromList.metrics.finalEquity !== last!.metrics.finalEquity) throw new Error('a run on the list of bars differs from the runs on its BarSet');
}
/** The crossover's indicators on every bar, and never an order: what the engine costs with no order path. */
class SmaWatch extends SmaCross {
  protected override submit(): string {
    return '';
  }
}
const idleRates: number[] = [];
for (let i = 0; i < warmUps + runs; i++) {
  const t0 = now();
  await runBacktest({ strategy: SmaWatch, params: { fast, slow, notional }, bars: barSet, commission: { kind: 'none' }, initialCash: 10_000_000, limits });
  if (i >= warmUps) idleRates.push(perSecond(bars.length, now() - t0));
}
const loopRates: number[] = [];
let reference = { trades: 0, pnl: 0 };
for (let i = 0; i < warmUps + runs; i++) {
  const t0 = now();
  reference = plainLoop(bySymbol);
  if (i >= warmUps) loopRates.push(perSecond(bars.length, now() - t0));
}
const actor = median(actorRates);
const fromList = median(listRates);
const idle = median(idleRates);
const loop = median(loopRates);
const actorPnl = last!.metrics.finalEquity - 10_000_000;

report({
  bench: 'backtest',
  metrics: {
    bars_per_s: actor, list_bars_per_s: fromList, no_order_bars_per_s: idle, bars: bars.length, fills: last!.fills.length, trades: last!.trades.length,
    pnl: Math.round(actorPnl * 100) / 100, denials: last!.denials.length,
  },
  baseline: { bars_per_s: loop, list_bars_per_s: loop, no_order_bars_per_s: loop, bars: bars.length, trades: reference.trades, pnl: Math.round(reference.pnl * 100) / 100 },
  ratio: { bars_per_s: actor / loop, list_bars_per_s: fromList / loop, no_order_bars_per_s: idle / loop },
  notes: {
    data: source,
    runs: `median of ${runs} runs after ${warmUps} warm-up runs, for each figure (list_bars_per_s: ${runs} runs after the others)`,
    bars: 'a BarSet made once before the runs (checked, grouped by symbol, sliced by time), as the plain loop gets its bars grouped by symbol before its timing',
    list_bars_per_s: 'the same runs given the plain list of bars, which each run checks and lays out itself',
    baseline: 'a plain loop computing the same sma-cross signals and next-open fills in the same run',
    ratio: 'actor backtest / plain loop: the cost of the actor machinery (risk checks, OMS, journal, portfolio) per bar',
    no_order_bars_per_s: 'the same strategy with its orders suppressed: the engine and the strategy actor alone, no order path',
    machine: `${cpus().length} CPUs, load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
  },
});
