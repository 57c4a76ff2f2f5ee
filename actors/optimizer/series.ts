/**
 * Bars as typed arrays, and the per-parameter-value indicator series the "indexed" kernels read. Series are
 * computed once per distinct value (not per combination) with the very indicator classes the strategies
 * use, in float64, so a kernel sees the strategy's own values rounded once to float32.
 */
import type { Bar } from '../domain/bar.js';
import { ATR } from '../market/indicators/atr.js';
import { BollingerBands } from '../market/indicators/bollinger.js';
import { RSI } from '../market/indicators/rsi.js';
import { SMA } from '../market/indicators/sma.js';

/** One symbol's bars as columns, oldest first. */
export interface BarColumns {
  readonly n: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
}

/** The same columns rounded to float32, as kernels receive them. */
export interface BarColumns32 {
  readonly n: number;
  readonly open: Float32Array;
  readonly high: Float32Array;
  readonly low: Float32Array;
  readonly close: Float32Array;
}

export function barColumns(bars: readonly Bar[]): BarColumns {
  const n = bars.length;
  const cols = { n, time: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
  bars.forEach((b, i) => {
    cols.time[i] = b.time;
    cols.open[i] = b.open;
    cols.high[i] = b.high;
    cols.low[i] = b.low;
    cols.close[i] = b.close;
  });
  return cols;
}

export function toFloat32(cols: BarColumns): BarColumns32 {
  return { n: cols.n, open: Float32Array.from(cols.open), high: Float32Array.from(cols.high), low: Float32Array.from(cols.low), close: Float32Array.from(cols.close) };
}

/** Indicator families a sweep can index: SMA of closes, RSI, Bollinger middle band and population std-dev, ATR. */
export type SeriesFamily = 'sma' | 'rsi' | 'bbMiddle' | 'bbStd' | 'atr';

/** `family:period`, e.g. `sma:20`. */
export type SeriesKey = `${SeriesFamily}:${number}`;

export function seriesKey(family: SeriesFamily, period: number): SeriesKey {
  return `${family}:${period}`;
}

/** One indicator over all bars, NaN while it warms up. */
export function computeSeries(key: SeriesKey, bars: BarColumns): Float64Array {
  const [family, p] = key.split(':') as [SeriesFamily, string];
  const period = Number(p);
  const out = new Float64Array(bars.n).fill(Number.NaN);
  switch (family) {
    case 'sma': {
      const sma = new SMA(period);
      for (let t = 0; t < bars.n; t++) out[t] = sma.update(bars.close[t]!) ?? Number.NaN;
      break;
    }
    case 'rsi': {
      const rsi = new RSI(period);
      for (let t = 0; t < bars.n; t++) out[t] = rsi.update(bars.close[t]!) ?? Number.NaN;
      break;
    }
    case 'bbMiddle':
    case 'bbStd': {
      const bands = new BollingerBands(period, 1);
      for (let t = 0; t < bars.n; t++) {
        const b = bands.update(bars.close[t]!);
        out[t] = b === undefined ? Number.NaN : family === 'bbMiddle' ? b.middle : b.stdDev;
      }
      break;
    }
    case 'atr': {
      const atr = new ATR(period);
      for (let t = 0; t < bars.n; t++) out[t] = atr.update({ high: bars.high[t]!, low: bars.low[t]!, close: bars.close[t]! }) ?? Number.NaN;
      break;
    }
  }
  return out;
}

/** Series computed on demand and kept, keyed by `family:period`. */
export class SeriesCache {
  readonly #rows = new Map<SeriesKey, Float64Array>();

  constructor(readonly bars: BarColumns) {}

  get(key: SeriesKey): Float64Array {
    let row = this.#rows.get(key);
    if (row === undefined) this.#rows.set(key, (row = computeSeries(key, this.bars)));
    return row;
  }

  /** `keys.length` rows of `bars.n` float32 values (NaN warm-up written as 0: kernels never read it), padded with zero rows to `capacity`. */
  matrix32(keys: readonly SeriesKey[], capacity = keys.length): Float32Array {
    const n = this.bars.n;
    const out = new Float32Array(Math.max(1, capacity) * n);
    keys.forEach((key, r) => {
      const row = this.get(key);
      for (let t = 0; t < n; t++) {
        const v = row[t]!;
        out[r * n + t] = Number.isNaN(v) ? 0 : v;
      }
    });
    return out;
  }
}
