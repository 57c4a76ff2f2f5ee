// Naive batch reference implementations of the indicators, written from the textbook formulas and
// sharing no code with actors/market/indicators. Each returns one entry per input, undefined while
// the indicator warms up. O(n * period) on purpose: clarity over speed.

export interface RefBar {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

type Series = (number | undefined)[];

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function stdDev(xs: readonly number[], sample: boolean): number {
  const m = mean(xs);
  const ss = xs.reduce((a, x) => a + (x - m) ** 2, 0);
  return Math.sqrt(ss / (sample ? xs.length - 1 : xs.length));
}

export function refSma(xs: readonly number[], n: number): Series {
  return xs.map((_, i) => (i < n - 1 ? undefined : mean(xs.slice(i - n + 1, i + 1))));
}

/** EMA by explicit recursion: seed = mean of the first n, then alpha * x + (1 - alpha) * prev. */
export function refEma(xs: readonly number[], n: number): Series {
  const alpha = 2 / (n + 1);
  const out: Series = [];
  let prev: number | undefined;
  xs.forEach((x, i) => {
    if (i === n - 1) prev = mean(xs.slice(0, n));
    else if (i >= n) prev = alpha * x + (1 - alpha) * prev!;
    out.push(prev);
  });
  return out;
}

/** Wilder smoothing of a series starting at `start`: mean of the first n, then (prev*(n-1)+x)/n. */
function wilder(xs: readonly number[], n: number, start: number): Series {
  const out: Series = new Array(xs.length).fill(undefined);
  let prev: number | undefined;
  for (let i = start; i < xs.length; i++) {
    const k = i - start;
    if (k === n - 1) prev = mean(xs.slice(start, i + 1));
    else if (k >= n) prev = (prev! * (n - 1) + xs[i]!) / n;
    out[i] = prev;
  }
  return out;
}

export function refRsi(xs: readonly number[], n: number): Series {
  const gains = xs.map((x, i) => (i === 0 ? 0 : Math.max(x - xs[i - 1]!, 0)));
  const losses = xs.map((x, i) => (i === 0 ? 0 : Math.max(xs[i - 1]! - x, 0)));
  const g = wilder(gains, n, 1);
  const l = wilder(losses, n, 1);
  return xs.map((_, i) => {
    const ag = g[i];
    const al = l[i];
    if (ag === undefined || al === undefined) return undefined;
    if (al === 0) return ag === 0 ? 50 : 100;
    return 100 - 100 / (1 + ag / al);
  });
}

export function refBollinger(xs: readonly number[], n: number, k: number) {
  return xs.map((_, i) => {
    if (i < n - 1) return undefined;
    const w = xs.slice(i - n + 1, i + 1);
    const m = mean(w);
    const s = stdDev(w, false);
    return { middle: m, upper: m + k * s, lower: m - k * s };
  });
}

/** Textbook true range: the largest of H-L, |H-prevC|, |L-prevC|; H-L for the first bar. */
export function refTrueRange(bars: readonly RefBar[]): number[] {
  return bars.map((b, i) => {
    if (i === 0) return b.high - b.low;
    const pc = bars[i - 1]!.close;
    return Math.max(b.high - b.low, Math.abs(b.high - pc), Math.abs(b.low - pc));
  });
}

export function refAtr(bars: readonly RefBar[], n: number): Series {
  return wilder(refTrueRange(bars), n, 0);
}

export function refMacd(xs: readonly number[], fast: number, slow: number, signal: number) {
  const f = refEma(xs, fast);
  const s = refEma(xs, slow);
  const line = xs.map((_, i) => (s[i] === undefined ? undefined : f[i]! - s[i]!));
  const defined = line.slice(slow - 1) as number[];
  const sig = [...new Array<undefined>(slow - 1).fill(undefined), ...refEma(defined, signal)];
  return xs.map((_, i) =>
    sig[i] === undefined ? undefined : { macd: line[i]!, signal: sig[i]!, histogram: line[i]! - sig[i]! },
  );
}

/**
 * ADX in Wilder's running-SUM form (TR14 = TR14 - TR14/14 + TR), as his book and StockCharts tabulate
 * it; the DI ratios equal those of the running-average form the implementation uses.
 */
export function refAdx(bars: readonly RefBar[], n: number) {
  const tr = refTrueRange(bars);
  const out: ({ adx: number; plusDI: number; minusDI: number } | undefined)[] = [undefined];
  let trS = 0;
  let pS = 0;
  let mS = 0;
  const dxs: number[] = [];
  let adx: number | undefined;
  for (let i = 1; i < bars.length; i++) {
    const up = bars[i]!.high - bars[i - 1]!.high;
    const down = bars[i - 1]!.low - bars[i]!.low;
    const pdm = up > down && up > 0 ? up : 0;
    const mdm = down > up && down > 0 ? down : 0;
    if (i <= n) {
      trS += tr[i]!;
      pS += pdm;
      mS += mdm;
    } else {
      trS = trS - trS / n + tr[i]!;
      pS = pS - pS / n + pdm;
      mS = mS - mS / n + mdm;
    }
    if (i < n) {
      out.push(undefined);
      continue;
    }
    const pdi = trS === 0 ? 0 : (100 * pS) / trS;
    const mdi = trS === 0 ? 0 : (100 * mS) / trS;
    const dx = pdi + mdi === 0 ? 0 : (100 * Math.abs(pdi - mdi)) / (pdi + mdi);
    dxs.push(dx);
    if (dxs.length === n) adx = mean(dxs);
    else if (dxs.length > n) adx = (adx! * (n - 1) + dx) / n;
    out.push(adx === undefined ? undefined : { adx, plusDI: pdi, minusDI: mdi });
  }
  return out;
}

export function refChop(bars: readonly RefBar[], n: number): Series {
  const tr = refTrueRange(bars);
  return bars.map((_, i) => {
    if (i < n - 1) return undefined;
    const w = bars.slice(i - n + 1, i + 1);
    const hi = Math.max(...w.map((b) => b.high));
    const lo = Math.min(...w.map((b) => b.low));
    const sum = tr.slice(i - n + 1, i + 1).reduce((a, b) => a + b, 0);
    return hi === lo ? 100 : (100 * Math.log10(sum / (hi - lo))) / Math.log10(n);
  });
}

export function refVolatility(xs: readonly number[], window: number, periodsPerYear?: number): Series {
  const r = xs.map((x, i) => (i === 0 ? 0 : Math.log(x / xs[i - 1]!)));
  const scale = periodsPerYear === undefined ? 1 : Math.sqrt(periodsPerYear);
  return xs.map((_, i) => (i < window ? undefined : stdDev(r.slice(i - window + 1, i + 1), true) * scale));
}
