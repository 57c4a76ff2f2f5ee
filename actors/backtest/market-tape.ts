import type { Bar } from '../domain/bar.js';

/** One symbol's bars in time order (ties in input order), with the index each bar had in the input. */
export interface SymbolSeries {
  readonly symbol: string;
  readonly bars: readonly Bar[];
  readonly indices: readonly number[];
}

/** Groups bars by symbol (symbols in name order), each symbol's bars sorted by time only if they are not already. */
export function seriesBySymbol(bars: readonly Bar[]): SymbolSeries[] {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < bars.length; i++) {
    const symbol = bars[i]!.symbol;
    const group = groups.get(symbol);
    if (group === undefined) groups.set(symbol, [i]);
    else group.push(i);
  }
  const series: SymbolSeries[] = [];
  for (const symbol of [...groups.keys()].sort()) {
    const indices = groups.get(symbol)!;
    let sorted = true;
    for (let j = 1; j < indices.length && sorted; j++) sorted = bars[indices[j - 1]!]!.time <= bars[indices[j]!]!.time;
    if (!sorted) indices.sort((a, b) => bars[a]!.time - bars[b]!.time || a - b);
    series.push({ symbol, indices, bars: indices.map((i) => bars[i]!) });
  }
  return series;
}

/**
 * The bars of a backtest laid out for the engine: time slices (ascending time, symbols in name order within
 * a slice) and, per symbol, its closes in time order. Flat bar `b` (slice-major order, so slice `k` holds
 * flat bars `sliceStart[k]` up to `sliceStart[k + 1] - 1`) is close `positionOf[b]` of symbol `symbolOf[b]`.
 * Built in one pass per symbol, without sorting the whole set of bars or keying bars by strings.
 */
export class MarketTape {
  readonly slices: Bar[][] = [];
  readonly sliceStart: Int32Array;
  readonly symbolOf: Int32Array;
  readonly positionOf: Int32Array;
  readonly closes: readonly Float64Array[];

  /** `series` in symbol name order, as `seriesBySymbol` returns them. */
  constructor(readonly series: readonly SymbolSeries[]) {
    let total = 0;
    for (const s of series) total += s.bars.length;
    const all = new Float64Array(total);
    let n = 0;
    for (const s of series) for (const bar of s.bars) all[n++] = bar.time;
    all.sort();
    let distinct = 0;
    for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[i - 1]) all[distinct++] = all[i]!;
    const times = all.subarray(0, distinct);
    // The slice of every bar: each symbol's bars are in time order, so one forward walk per symbol.
    const sliceOf = series.map((s) => {
      const out = new Int32Array(s.bars.length);
      let k = s.bars.length === 0 ? 0 : lowerBound(times, s.bars[0]!.time);
      for (let j = 0; j < s.bars.length; j++) {
        const time = s.bars[j]!.time;
        while (times[k]! < time) k++;
        out[j] = k;
      }
      return out;
    });
    this.sliceStart = new Int32Array(distinct + 1);
    for (const slicesOfSymbol of sliceOf) for (const k of slicesOfSymbol) this.sliceStart[k + 1]!++;
    for (let k = 0; k < distinct; k++) this.sliceStart[k + 1]! += this.sliceStart[k]!;
    this.symbolOf = new Int32Array(total);
    this.positionOf = new Int32Array(total);
    for (let k = 0; k < distinct; k++) this.slices.push([]);
    const cursor = this.sliceStart.slice(0, distinct);
    series.forEach((s, symbol) => {
      const slicesOfSymbol = sliceOf[symbol]!;
      for (let j = 0; j < s.bars.length; j++) {
        const k = slicesOfSymbol[j]!;
        const b = cursor[k]!++;
        this.symbolOf[b] = symbol;
        this.positionOf[b] = j;
        this.slices[k]!.push(s.bars[j]!);
      }
    });
    this.closes = series.map((s) => Float64Array.from(s.bars, (bar) => bar.close));
  }

  get barCount(): number {
    return this.symbolOf.length;
  }

  /** The time of slice `k`. */
  timeOf(k: number): number {
    return this.slices[k]![0]!.time;
  }
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Groups bars into time slices (ascending time; symbols in name order within a slice). */
export function timeSlices(bars: readonly Bar[]): Bar[][] {
  return new MarketTape(seriesBySymbol(bars)).slices;
}
