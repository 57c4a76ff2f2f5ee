/**
 * Shared benchmark plumbing. Every benchmark prints human-readable figures and, with `--json`, one JSON
 * object on its last line: `{"bench", "metrics", "baseline", "ratio"}`. Baselines are measured in the
 * same run because these machines are noisy.
 */
import { performance } from 'node:perf_hooks';

export interface BenchResult {
  readonly bench: string;
  readonly metrics: Record<string, number | string>;
  readonly baseline: Record<string, number | string>;
  readonly ratio: Record<string, number>;
  readonly notes?: Record<string, string>;
}

export const json = process.argv.includes('--json');

/** The value of `--name VALUE` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `fn` `runs` times (after one warm-up) and returns the median of its results. */
export async function medianOf(runs: number, fn: () => Promise<number> | number): Promise<number> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    out.push(await fn());
  }
  return median(out);
}

/** Operations per second for `n` operations taking `ms`. */
export function perSecond(n: number, ms: number): number {
  return (n / ms) * 1_000;
}

export const now = (): number => performance.now();

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function fmt(v: number | string): string {
  if (typeof v === 'string') return v;
  if (Math.abs(v) >= 1_000) return Math.round(v).toLocaleString('en-US');
  return String(round(v, 3));
}

export function progress(text: string): void {
  if (!json) process.stderr.write(`${text}\n`);
}

export function report(result: BenchResult): void {
  const rows: string[][] = [['figure', 'value', 'baseline', 'ratio']];
  for (const [k, v] of Object.entries(result.metrics)) {
    const b = result.baseline[k];
    const r = result.ratio[k];
    rows.push([k, fmt(v), b === undefined ? '' : fmt(b), r === undefined ? '' : `${round(r, 2)}x`]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  console.log(`\n${result.bench}`);
  for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
  if (result.notes) for (const [k, v] of Object.entries(result.notes)) console.log(`  ${k}: ${v}`);
  if (json) console.log(JSON.stringify(result));
}
