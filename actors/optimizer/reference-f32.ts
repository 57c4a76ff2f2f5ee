/**
 * The float32 reference: every arithmetic step rounded with `Math.fround`, in the order the kernel source
 * evaluates it (`kernels/*.ts`, `kernels/cost-model.ts`). On a float32 backend (webasm, WebGPU, WebGL) a
 * sweep kernel must match it bit for bit; any difference is a bug in one or the other.
 */
import { Book32, RAW_WIDTH } from './book.js';
import { kernelConstants } from './kernels/cost-model.js';
import { comboWidth, paramNames } from './kernels/registry.js';
import type { KernelApproach } from './kernels/types.js';
import type { ReferenceInput } from './reference.js';
import { columnsOf, resolveStrategy } from './reference.js';
import type { BarColumns32 } from './series.js';
import { SeriesCache, seriesKey, toFloat32 } from './series.js';

const F = Math.fround;

type Series32 = (key: ReturnType<typeof seriesKey>) => Float32Array;
type Loop32 = (b: BarColumns32, series: Series32, p: Readonly<Record<string, number>>, book: Book32) => void;

/** RollingSum / RollingStats window state, float32. */
interface Window32 {
  count: number;
  head: number;
  sum: number;
  avg: number;
  m2: number;
}

const newWindow = (): Window32 => ({ count: 0, head: 0, sum: 0, avg: 0, m2: 0 });

function pushSum(w: Window32, close: Float32Array, t: number, p: number): void {
  if (w.count === p) w.sum = F(w.sum + F(close[t]! - close[t - p]!));
  else {
    w.sum = F(w.sum + close[t]!);
    w.count++;
  }
  if (++w.head === p) {
    w.head = 0;
    let fresh = 0;
    for (let i = 0; i < p; i++) fresh = F(fresh + close[t - p + 1 + i]!);
    w.sum = fresh;
  }
}

function pushStats(w: Window32, close: Float32Array, t: number, p: number): void {
  const x = close[t]!;
  if (w.count === p) {
    const old = close[t - p]!;
    const prevAvg = w.avg;
    w.avg = F(prevAvg + F(F(x - old) / p));
    w.m2 = F(w.m2 + F(F(x - old) * F(F(F(x - w.avg) + old) - prevAvg)));
  } else {
    w.count++;
    const dx = F(x - w.avg);
    w.avg = F(w.avg + F(dx / w.count));
    w.m2 = F(w.m2 + F(dx * F(x - w.avg)));
  }
  if (++w.head === p) {
    w.head = 0;
    let fresh = 0;
    for (let i = 0; i < p; i++) fresh = F(fresh + close[t - p + 1 + i]!);
    const mean = F(fresh / p);
    let m2 = 0;
    for (let i = 0; i < p; i++) {
      const dev = F(close[t - p + 1 + i]! - mean);
      m2 = F(m2 + F(dev * dev));
    }
    w.avg = mean;
    w.m2 = m2;
  }
}

/** WilderAverage, float32: seeded with the mean of the first `p` inputs. */
interface Wilder32 {
  seeded: number;
  seed: number;
  avg: number;
}

function pushWilder(w: Wilder32, x: number, p: number): void {
  if (w.seeded < p) {
    w.seed = F(w.seed + x);
    w.seeded++;
    if (w.seeded === p) w.avg = F(w.seed / p);
  } else w.avg = F(F(F(w.avg * (p - 1)) + x) / p);
}

function smaSignal(book: Book32, t: number, start: number, close: number, notional: number, fa: number, sl: number, prevF: number, prevS: number): void {
  if (t < start) return;
  if (book.qty === 0 && fa > sl && prevF <= prevS) book.enter(close, notional);
  else if (book.qty > 0 && fa < sl && prevF >= prevS) book.exit();
}

function smaCross32(indexed: boolean): Loop32 {
  return (b, series, p, book) => {
    const { fast, slow, notional } = p as Record<string, number>;
    const fastRow = indexed ? series(seriesKey('sma', fast!)) : undefined;
    const slowRow = indexed ? series(seriesKey('sma', slow!)) : undefined;
    const fw = newWindow();
    const sw = newWindow();
    const start = Math.max(fast!, slow!);
    let prevF = 0;
    let prevS = 0;
    for (let t = 0; t < b.n; t++) {
      book.fill(b.open[t]!);
      let fa: number;
      let sl: number;
      if (fastRow !== undefined && slowRow !== undefined) {
        fa = fastRow[t]!;
        sl = slowRow[t]!;
      } else {
        pushSum(fw, b.close, t, fast!);
        pushSum(sw, b.close, t, slow!);
        fa = F(fw.sum / fast!);
        sl = F(sw.sum / slow!);
      }
      smaSignal(book, t, start, b.close[t]!, notional!, fa, sl, prevF, prevS);
      prevF = fa;
      prevS = sl;
      book.mark(b.close[t]!);
    }
  };
}

function rsiSignal(book: Book32, close: number, p: Record<string, number>, rsi: number): void {
  if (book.qty === 0 && rsi < p['oversold']!) book.enter(close, p['notional']!);
  else if (book.qty > 0 && rsi > p['overbought']!) book.exit();
}

function rsiReversion32(indexed: boolean): Loop32 {
  return (b, series, p, book) => {
    const period = p['period']!;
    const row = indexed ? series(seriesKey('rsi', period)) : undefined;
    const gains: Wilder32 = { seeded: 0, seed: 0, avg: 0 };
    const losses: Wilder32 = { seeded: 0, seed: 0, avg: 0 };
    let prevClose = 0;
    for (let t = 0; t < b.n; t++) {
      book.fill(b.open[t]!);
      if (row !== undefined) {
        if (t >= period) rsiSignal(book, b.close[t]!, p, row[t]!);
      } else if (t > 0) {
        const change = F(b.close[t]! - prevClose);
        pushWilder(gains, Math.max(change, 0), period);
        pushWilder(losses, Math.max(F(0 - change), 0), period);
        if (gains.seeded === period) {
          let rsi = 50;
          if (losses.avg === 0) {
            if (gains.avg !== 0) rsi = 100;
          } else rsi = F(100 - F(100 / F(1 + F(gains.avg / losses.avg))));
          rsiSignal(book, b.close[t]!, p, rsi);
        }
      }
      prevClose = b.close[t]!;
      book.mark(b.close[t]!);
    }
  };
}

function bollingerAtr32(indexed: boolean): Loop32 {
  return (b, series, p, book) => {
    const { period, k, atrPeriod, atrMultiple, notional } = p as Record<string, number>;
    const rows = indexed ? [series(seriesKey('bbMiddle', period!)), series(seriesKey('bbStd', period!)), series(seriesKey('atr', atrPeriod!))] : undefined;
    const start = Math.max(period!, atrPeriod!) - 1;
    const band = newWindow();
    const atrAvg: Wilder32 = { seeded: 0, seed: 0, avg: 0 };
    let prevC = 0;
    let stop = 0;
    for (let t = 0; t < b.n; t++) {
      book.fill(b.open[t]!);
      const x = b.close[t]!;
      let ready = false;
      let mid = 0;
      let lower = 0;
      let atr = 0;
      if (rows !== undefined) {
        ready = t >= start;
        mid = rows[0]![t]!;
        lower = F(mid - F(k! * rows[1]![t]!));
        atr = rows[2]![t]!;
      } else {
        pushStats(band, b.close, t, period!);
        const tr = t > 0 ? F(Math.max(b.high[t]!, prevC) - Math.min(b.low[t]!, prevC)) : F(b.high[t]! - b.low[t]!);
        prevC = x;
        pushWilder(atrAvg, tr, atrPeriod!);
        ready = band.count === period && atrAvg.seeded === atrPeriod;
        mid = band.avg;
        lower = F(mid - F(k! * F(Math.sqrt(F(Math.max(0, band.m2) / period!)))));
        atr = atrAvg.avg;
      }
      if (ready) {
        if (book.qty === 0 && x < lower) {
          if (book.enter(x, notional!)) stop = F(x - F(atrMultiple! * atr));
        } else if (book.qty > 0 && (x > mid || x < stop)) book.exit();
      }
      book.mark(x);
    }
  };
}

const LOOPS_32: Readonly<Record<string, (indexed: boolean) => Loop32>> = { 'sma-cross': smaCross32, 'rsi-reversion': rsiReversion32, 'bollinger-atr': bollingerAtr32 };

/**
 * The float32 sweep of `grid` with `approach`'s indicators: `indexed` reads the float64 series rounded once
 * to float32 (what the kernel is given), `inline` recomputes them in float32 as the kernel does. Returns
 * `combos × 4` floats laid out like `referenceSweep`'s.
 */
export function float32Reference(input: ReferenceInput & { readonly approach: KernelApproach }): Float32Array {
  const strategy = resolveStrategy(input.strategy);
  const cols = columnsOf(input.bars);
  const bars = toFloat32(cols);
  const loop = LOOPS_32[strategy.kind]?.(input.approach === 'indexed');
  if (loop === undefined) throw new RangeError(`no float32 reference for strategy ${strategy.kind}`);
  const cache = input.cache ?? new SeriesCache(cols);
  const rows32 = new Map<string, Float32Array>();
  const series: Series32 = (key) => {
    let row = rows32.get(key);
    if (row === undefined) rows32.set(key, (row = cache.matrix32([key])));
    return row;
  };
  const constants = kernelConstants(input.costs, bars.n, comboWidth(strategy));
  const names = paramNames(strategy);
  const width = names.length;
  const out = new Float32Array(input.grid.combos * RAW_WIDTH);
  const params: Record<string, number> = {};
  for (let i = 0; i < input.grid.combos; i++) {
    for (let j = 0; j < width; j++) params[names[j]!] = F(input.grid.values[i * width + j]!);
    const book = new Book32(constants);
    loop(bars, series, params, book);
    book.finish(out, i * RAW_WIDTH, bars.n);
  }
  return out;
}
