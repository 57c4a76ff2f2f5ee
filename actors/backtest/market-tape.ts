import type { Bar } from '../domain/bar.js';

/**
 * One symbol's bars in time order (ties in input order), with the index each bar had in the input and each
 * bar's time and close as given: the time checks and the tape read these instead of going back to the bars.
 */
export interface SymbolSeries {
  readonly symbol: string;
  readonly bars: readonly Bar[];
  readonly indices: Int32Array;
  readonly times: Float64Array;
  readonly closes: Float64Array;
}

/** A symbol's bars in input order, as `seriesBySymbol` gathers them, in arrays of their final size. */
interface Gathered {
  count: number;
  filled: number;
  indices: Int32Array;
  bars: Bar[];
  times: Float64Array;
  closes: Float64Array;
  /** Every time is at least the one before (checked as bars arrive, so sorted input is never sorted). */
  sorted: boolean;
}

/**
 * Groups bars by symbol (symbols in name order), each symbol's bars sorted by time only if they are not already.
 * Two passes over the bars: the first counts each symbol's bars, so the second writes into arrays of their
 * final size, typed where they hold numbers (growing arrays made about 12 MB of garbage per run of
 * 97,000 bars, all of it copied by the young-generation collector while the run held it). Input usually
 * comes a symbol at a time (a file per symbol), so a group is looked up only when the symbol changes.
 */
export function seriesBySymbol(bars: readonly Bar[]): SymbolSeries[] {
  const groups = new Map<string, Gathered>();
  let symbol: string | undefined;
  let group: Gathered | undefined;
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    if (bar.symbol !== symbol || group === undefined) {
      symbol = bar.symbol;
      group = groups.get(symbol);
      if (group === undefined) groups.set(symbol, (group = { count: 0, filled: 0, indices: EMPTY_INT32, bars: [], times: EMPTY_FLOAT64, closes: EMPTY_FLOAT64, sorted: true }));
    }
    group.count++;
  }
  for (const g of groups.values()) {
    g.indices = new Int32Array(g.count);
    g.bars = new Array<Bar>(g.count);
    g.times = new Float64Array(g.count);
    g.closes = new Float64Array(g.count);
  }
  symbol = undefined;
  group = undefined;
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    if (bar.symbol !== symbol || group === undefined) {
      symbol = bar.symbol;
      group = groups.get(symbol)!;
    }
    const time = bar.time;
    const j = group.filled++;
    if (group.sorted && j > 0) group.sorted = group.times[j - 1]! <= time;
    group.indices[j] = i;
    group.bars[j] = bar;
    group.times[j] = time;
    group.closes[j] = bar.close;
  }
  const series: SymbolSeries[] = [];
  for (const name of [...groups.keys()].sort()) {
    const { indices, bars: own, times, closes, sorted } = groups.get(name)!;
    if (sorted) {
      series.push({ symbol: name, bars: own, indices, times, closes });
      continue;
    }
    // Positions within the group follow the input, so ties keep their input order.
    const order = Array.from(indices, (_, j) => j).sort((a, b) => times[a]! - times[b]! || a - b);
    series.push({
      symbol: name,
      bars: order.map((j) => own[j]!),
      indices: Int32Array.from(order, (j) => indices[j]!),
      times: Float64Array.from(order, (j) => times[j]!),
      closes: Float64Array.from(order, (j) => closes[j]!),
    });
  }
  return series;
}

const EMPTY_INT32 = new Int32Array(0);
const EMPTY_FLOAT64 = new Float64Array(0);

/**
 * The bars of a backtest laid out for the engine: time slices (ascending time, symbols in name order within
 * a slice) and, per symbol, its closes in time order. Flat bar `b` (slice-major order, so slice `k` holds
 * flat bars `sliceStart[k]` up to `sliceStart[k + 1] - 1`) is close `positionOf[b]` of symbol `symbolOf[b]`.
 * Built in one pass per symbol, without sorting the whole set of bars or keying bars by strings.
 */
export class MarketTape {
  readonly slices: Bar[][] = [];
  /** The time of each slice, read without going to its first bar. */
  readonly times: Float64Array;
  readonly sliceStart: Int32Array;
  readonly symbolOf: Int32Array;
  readonly positionOf: Int32Array;
  readonly closes: readonly Float64Array[];
  readonly #indexOf: ReadonlyMap<string, number>;
  /** Per symbol, the position `barsOf` found last (see `#positionAt`). */
  readonly #hints: Int32Array;

  /** `series` in symbol name order, as `seriesBySymbol` returns them. */
  constructor(readonly series: readonly SymbolSeries[]) {
    this.#indexOf = new Map(series.map((s, i) => [s.symbol, i]));
    this.#hints = new Int32Array(series.length);
    const timesOf = series.map((s) => s.times);
    this.closes = series.map((s) => s.closes);
    const times = unionOfSorted(timesOf);
    this.times = times;
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
    const sliceStart = new Int32Array(times.length + 1);
    for (const own of sliceOf) for (let j = 0; j < own.length; j++) sliceStart[own[j]! + 1]!++;
    for (let k = 0; k < times.length; k++) sliceStart[k + 1]! += sliceStart[k]!;
    const symbolOf = new Int32Array(total);
    const positionOf = new Int32Array(total);
    for (let k = 0; k < times.length; k++) this.slices.push(new Array<Bar>(sliceStart[k + 1]! - sliceStart[k]!));
    const cursor = sliceStart.slice(0, times.length);
    const slices = this.slices;
    for (let symbol = 0; symbol < series.length; symbol++) {
      const own = sliceOf[symbol]!;
      const bars = series[symbol]!.bars;
      for (let j = 0; j < own.length; j++) {
        const k = own[j]!;
        const b = cursor[k]!++;
        symbolOf[b] = symbol;
        positionOf[b] = j;
        slices[k]![b - sliceStart[k]!] = bars[j]!;
      }
    }
    this.sliceStart = sliceStart;
    this.symbolOf = symbolOf;
    this.positionOf = positionOf;
  }

  get barCount(): number {
    return this.symbolOf.length;
  }

  /** The time of slice `k`. */
  timeOf(k: number): number {
    return this.times[k]!;
  }

  /**
   * The bars of slice `k` whose symbols are in `symbols` (any order, unknown ones ignored), in the slice's
   * order: a binary search in each symbol's times, not a walk over the slice.
   */
  barsOf(k: number, symbols: Iterable<string>): Bar[] {
    const time = this.times[k]!;
    const hits: number[] = [];
    for (const symbol of symbols) {
      const s = this.#indexOf.get(symbol);
      if (s === undefined) continue;
      const times = this.series[s]!.times;
      const j = this.#positionAt(s, times, time);
      if (j < times.length && times[j] === time) hits.push(s);
    }
    // Symbols in name order, as in the slice; the hint of each is the position just found.
    if (hits.length > 1) hits.sort((a, b) => a - b);
    return hits.map((s) => this.series[s]!.bars[this.#hints[s]!]!);
  }

  /**
   * The first position of symbol `s` at or after `time`. A run asks in ascending time, so the answer is
   * usually at or just after the last one: a few steps from there, a binary search otherwise. The hints
   * change no answer, so a tape shared by runs (a `BarSet`'s) stays correct whatever order they ask in.
   */
  #positionAt(s: number, times: Float64Array, time: number): number {
    let j = this.#hints[s]!;
    if (j > 0 && times[j - 1]! >= time) j = lowerBound(times, time);
    else {
      for (let steps = 0; j < times.length && times[j]! < time; steps++, j++) {
        if (steps === 8) {
          j = lowerBound(times, time);
          break;
        }
      }
    }
    this.#hints[s] = j;
    return j;
  }
}

/**
 * The distinct values of ascending lists, ascending: merged pairwise, so without sorting all of them. Every
 * merge drops repeats, whichever list they come from, so only a lone list is deduplicated on its own.
 */
function unionOfSorted(lists: readonly Float64Array[]): Float64Array {
  if (lists.length === 0) return new Float64Array(0);
  if (lists.length === 1) return mergeDistinct(lists[0]!, new Float64Array(0));
  let level = lists;
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
