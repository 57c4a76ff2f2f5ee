/**
 * Plain-JS references of the sweep kernels.
 *
 * - `referenceSweep`: float64, each combination's indicators from the strategies' own classes, the account
 *   of `Book64`. It is what the float32 kernels are held to within the pinned tolerance, and the "plain JS
 *   loop" the benchmark compares the kernels with.
 * - `float32Reference` (reference-f32.ts): `Math.fround` after every operation in the kernel's order; a
 *   kernel on a float32 backend must match it exactly.
 */
import type { Bar } from '../domain/bar.js';
import { Book64, RAW_WIDTH } from './book.js';
import type { ExpandedGrid } from './grid.js';
import type { CostConstants } from './kernels/cost-model.js';
import { paramNames, sweepStrategy } from './kernels/registry.js';
import type { SweepStrategy } from './kernels/types.js';
import type { BarColumns } from './series.js';
import { barColumns, SeriesCache, seriesKey } from './series.js';

/** What a reference sweeps. */
export interface ReferenceInput {
  /** A built-in strategy kind or its sweep definition. */
  readonly strategy: string | SweepStrategy;
  readonly bars: BarColumns | readonly Bar[];
  readonly grid: ExpandedGrid;
  readonly costs: CostConstants;
  /** Series already computed for these bars (shared with a kernel run); default: a fresh cache. */
  readonly cache?: SeriesCache;
}

type Loop64 = (bars: BarColumns, cache: SeriesCache, p: Readonly<Record<string, number>>, book: Book64) => void;

const smaCross64: Loop64 = (b, cache, p, book) => {
  const fast = cache.get(seriesKey('sma', p['fast']!));
  const slow = cache.get(seriesKey('sma', p['slow']!));
  const start = Math.max(p['fast']!, p['slow']!);
  const notional = p['notional']!;
  let prevF = 0;
  let prevS = 0;
  for (let t = 0; t < b.n; t++) {
    book.fill(b.open[t]!);
    const fa = fast[t]!;
    const sl = slow[t]!;
    if (t >= start) {
      if (book.qty === 0 && fa > sl && prevF <= prevS) book.enter(b.close[t]!, notional);
      else if (book.qty > 0 && fa < sl && prevF >= prevS) book.exit();
    }
    prevF = fa;
    prevS = sl;
    book.mark(b.close[t]!);
  }
};

const rsiReversion64: Loop64 = (b, cache, p, book) => {
  const rsi = cache.get(seriesKey('rsi', p['period']!));
  const start = p['period']!;
  const { oversold, overbought, notional } = p as Record<string, number>;
  for (let t = 0; t < b.n; t++) {
    book.fill(b.open[t]!);
    if (t >= start) {
      const r = rsi[t]!;
      if (book.qty === 0 && r < oversold!) book.enter(b.close[t]!, notional!);
      else if (book.qty > 0 && r > overbought!) book.exit();
    }
    book.mark(b.close[t]!);
  }
};

const bollingerAtr64: Loop64 = (b, cache, p, book) => {
  const middle = cache.get(seriesKey('bbMiddle', p['period']!));
  const std = cache.get(seriesKey('bbStd', p['period']!));
  const atr = cache.get(seriesKey('atr', p['atrPeriod']!));
  const start = Math.max(p['period']!, p['atrPeriod']!) - 1;
  const { k, atrMultiple, notional } = p as Record<string, number>;
  let stop = 0;
  for (let t = 0; t < b.n; t++) {
    book.fill(b.open[t]!);
    if (t >= start) {
      const x = b.close[t]!;
      const mid = middle[t]!;
      const lower = mid - k! * std[t]!;
      if (book.qty === 0 && x < lower) {
        if (book.enter(x, notional!)) stop = x - atrMultiple! * atr[t]!;
      } else if (book.qty > 0 && (x > mid || x < stop)) book.exit();
    }
    book.mark(b.close[t]!);
  }
};

const LOOPS_64: Readonly<Record<string, Loop64>> = { 'sma-cross': smaCross64, 'rsi-reversion': rsiReversion64, 'bollinger-atr': bollingerAtr64 };

/** Resolves a strategy kind or definition. */
export function resolveStrategy(strategy: string | SweepStrategy): SweepStrategy {
  return typeof strategy === 'string' ? sweepStrategy(strategy) : strategy;
}

/** Bars as columns, whichever way they came. */
export function columnsOf(bars: BarColumns | readonly Bar[]): BarColumns {
  return Array.isArray(bars) ? barColumns(bars as readonly Bar[]) : (bars as BarColumns);
}

/**
 * The float64 plain-JS sweep: for every combination of `grid`, [final equity, Sharpe, max drawdown, round
 * trips] in a `combos × 4` array, combination `i` at `4i`. Indicator series are computed once per distinct
 * parameter value, as the indexed kernels do.
 *
 * @example
 * const raw = referenceSweep({ strategy: 'sma-cross', bars, grid, costs });
 * const finalEquityOfFirst = raw[0];
 */
export function referenceSweep(input: ReferenceInput): Float64Array {
  const strategy = resolveStrategy(input.strategy);
  const bars = columnsOf(input.bars);
  const loop = LOOPS_64[strategy.kind];
  if (loop === undefined) throw new RangeError(`no float64 reference for strategy ${strategy.kind}`);
  const cache = input.cache ?? new SeriesCache(bars);
  const names = paramNames(strategy);
  const width = names.length;
  const out = new Float64Array(input.grid.combos * RAW_WIDTH);
  const params: Record<string, number> = {};
  for (let i = 0; i < input.grid.combos; i++) {
    for (let j = 0; j < width; j++) params[names[j]!] = input.grid.values[i * width + j]!;
    const book = new Book64(input.costs);
    loop(bars, cache, params, book);
    book.finish(out, i * RAW_WIDTH, bars.n);
  }
  return out;
}
