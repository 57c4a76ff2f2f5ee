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
    const timesOf: Float64Array[] = [];
    const closes: Float64Array[] = [];
    for (const { bars } of series) {
      const times = new Float64Array(bars.length);
      const closesOfSymbol = new Float64Array(bars.length);
      for (let j = 0; j < bars.length; j++) {
        times[j] = bars[j]!.time;
        closesOfSymbol[j] = bars[j]!.close;
      }
      timesOf.push(times);
      closes.push(closesOfSymbol);
    }
    this.closes = closes;
    const times = unionOfSorted(timesOf);
    // The slice of every bar: each symbol's times are ascending, so one forward walk per symbol.
    const sliceOf = timesOf.map((own) => {
      const out = new Int32Array(own.length);
      let k = own.length === 0 ? 0 : lowerBound(times, own[0]!);
      for (let j = 0; j < own.length; j++) {
        while (times[k]! < own[j]!) k++;
        out[j] = k;
      }
      return out;
    });
    const total = sliceOf.reduce((n, own) => n + own.length, 0);
    this.sliceStart = new Int32Array(times.length + 1);
    for (const own of sliceOf) for (let j = 0; j < own.length; j++) this.sliceStart[own[j]! + 1]!++;
    for (let k = 0; k < times.length; k++) this.sliceStart[k + 1]! += this.sliceStart[k]!;
    this.symbolOf = new Int32Array(total);
    this.positionOf = new Int32Array(total);
    for (let k = 0; k < times.length; k++) this.slices.push(new Array<Bar>(this.sliceStart[k + 1]! - this.sliceStart[k]!));
    const cursor = this.sliceStart.slice(0, times.length);
    for (let symbol = 0; symbol < series.length; symbol++) {
      const { bars } = series[symbol]!;
      const own = sliceOf[symbol]!;
      for (let j = 0; j < bars.length; j++) {
        const k = own[j]!;
        const b = cursor[k]!++;
        this.symbolOf[b] = symbol;
        this.positionOf[b] = j;
        this.slices[k]![b - this.sliceStart[k]!] = bars[j]!;
      }
    }
  }

  get barCount(): number {
    return this.symbolOf.length;
  }

  /** The time of slice `k`. */
  timeOf(k: number): number {
    return this.slices[k]![0]!.time;
  }
}

/** The distinct values of ascending lists, ascending: merged pairwise, so without sorting all of them. */
function unionOfSorted(lists: readonly Float64Array[]): Float64Array {
  let level = lists.map((list) => mergeDistinct(list, new Float64Array(0)));
  if (level.length === 0) return new Float64Array(0);
  while (level.length > 1) {
    const next: Float64Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? mergeDistinct(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}

function mergeDistinct(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const v = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n === 0 || out[n - 1] !== v) out[n++] = v;
  }
  return out.subarray(0, n);
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
