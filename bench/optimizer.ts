/**
 * Optimizer kernels against the plain-JS loop over the same grid, in the same run.
 *   npm run bench -- optimizer [--data DIR] [--json] [--quick] [--runs N] [--only sma-cross|rsi-reversion|bollinger-atr]
 * Figure: bar-evaluations per second (combinations × bars / s), end to end per symbol sweep (grid expansion,
 * indicator series, launches, read-back, ranking; the kernel warm, as in a long-running optimizer actor;
 * the cold figure with compilation is in the notes) for the kernels; the float64
 * `referenceSweep` (indicator series once per distinct value, then one loop per combination) for the
 * baseline. With --data the sweeps run over every CSV in DIR (real daily bars), else over seeded bars.
 * Kernels run on the backend `auto` picks (gpu.js mode async: threaded WebAssembly SIMD where there is
 * no GPU); the single-threaded synchronous webasm figure is reported too.
 */
import { cpus, loadavg } from 'node:os';
import { loadCsvDir } from '../actors/market/csv.js';
import type { Bar } from '../actors/domain/bar.js';
import { prepareSweep, referenceSweep, SweepBackend, SweepRun } from '../actors/optimizer/index.js';
import type { KernelApproach } from '../actors/optimizer/index.js';
import { seededRandom } from '../test/helpers/system.js';
import { arg, median, now, progress, report } from './_harness.js';

const quick = process.argv.includes('--quick');
const RUNS = Number(arg('runs') ?? (quick ? 1 : 3));
const dataDir = arg('data');
/** `--only sma-cross` runs just that strategy's figures. */
const only = arg('only');

/** Grids sized so one launch has at least 4,096 combinations (the threaded path) for the crossover. */
const GRIDS: Readonly<Record<string, string>> = quick
  ? { 'sma-cross': 'fast=2..65,slow=20..300:4', 'rsi-reversion': 'period=2..30:2,oversold=15..40:5,overbought=60..85:5', 'bollinger-atr': 'period=5..40:5,k=1..3:0.5,atrPeriod=5..20:5,atrMultiple=1..3:1' }
  : { 'sma-cross': 'fast=2..80,slow=20..300:4', 'rsi-reversion': 'period=2..40:2,oversold=10..40:5,overbought=60..90:5', 'bollinger-atr': 'period=5..50:5,k=1..3:0.5,atrPeriod=5..30:5,atrMultiple=1..3:0.5' };

function seededBars(symbol: string, n: number, seed: number): Bar[] {
  const rnd = seededRandom(seed);
  const bars: Bar[] = [];
  let price = 50;
  for (let i = 0; i < n; i++) {
    const open = Math.round(price * 100) / 100;
    price = Math.max(1, price * (1 + (rnd() - 0.5) * 0.04));
    const close = Math.round(price * 100) / 100;
    bars.push({ symbol, interval: '1d', time: Date.UTC(1990, 0, 1) + i * 86_400_000, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 });
  }
  return bars;
}

async function loadUniverse(): Promise<Bar[][]> {
  if (dataDir === undefined) return [1, 2, 3, 4].map((i) => seededBars(`SYN${i}`, quick ? 2_500 : 8_000, i));
  const files = await loadCsvDir(dataDir);
  const sets = [...files.values()].map((r) => r.bars).filter((b) => b.length > 300);
  return quick ? sets.slice(0, 3) : sets;
}

interface Pass {
  readonly barEvals: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly backend: string;
}

function timed(work: () => number | Promise<number>): Promise<{ barEvals: number; ms: number; cpuMs: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = now();
  return Promise.resolve(work()).then((barEvals) => {
    const cpu = process.cpuUsage(cpu0);
    return { barEvals, ms: now() - t0, cpuMs: (cpu.user + cpu.system) / 1_000 };
  });
}

/** One sweep of one symbol through the kernels, end to end. */
async function kernelSweep(bars: Bar[], strategy: string, approach: KernelApproach, backend: SweepBackend): Promise<Pass> {
  let used = '';
  const r = await timed(async () => {
    const setup = prepareSweep({ strategy, symbol: bars[0]!.symbol, grid: GRIDS[strategy]!, approach, confirmTop: 0 }, bars);
    const run = new SweepRun(setup, backend);
    for (let i = 0; i < run.chunks; i++) await run.runChunk(i);
    used = run.outcome().backend;
    run.dispose();
    return setup.grid.combos * bars.length;
  });
  return { ...r, backend: used };
}

/** The same sweep through the float64 plain-JS loop. */
async function plainSweep(bars: Bar[], strategy: string): Promise<Pass> {
  const r = await timed(() => {
    const setup = prepareSweep({ strategy, symbol: bars[0]!.symbol, grid: GRIDS[strategy]!, confirmTop: 0 }, bars);
    referenceSweep({ strategy, bars: setup.bars, grid: setup.grid, costs: setup.costs });
    return setup.grid.combos * bars.length;
  });
  return { ...r, backend: 'plain JS (float64)' };
}

/**
 * Per symbol: one cold kernel sweep (compiles the kernel and starts its worker pool) and one plain sweep,
 * then `RUNS` alternating pairs with the kernel warm, so load on this shared machine hits both alike. The
 * rate is total bar-evaluations over the sum of per-symbol median times.
 */
async function compare(label: string, universe: Bar[][], strategy: string, approach: KernelApproach, backend: SweepBackend) {
  progress(`${label}: ${GRIDS[strategy]} (${approach}), cold + ${RUNS} warm run(s) per symbol`);
  const sum = { barEvals: 0, kernelMs: 0, plainMs: 0, kernelCpu: 0, plainCpu: 0, coldMs: 0 };
  let used = '';
  for (const bars of universe) {
    const cold = await kernelSweep(bars, strategy, approach, backend);
    await plainSweep(bars, strategy);
    const k: Pass[] = [];
    const p: Pass[] = [];
    for (let i = 0; i < RUNS; i++) {
      k.push(await kernelSweep(bars, strategy, approach, backend));
      p.push(await plainSweep(bars, strategy));
    }
    used = cold.backend;
    sum.barEvals += cold.barEvals;
    sum.coldMs += cold.ms;
    sum.kernelMs += median(k.map((x) => x.ms));
    sum.plainMs += median(p.map((x) => x.ms));
    sum.kernelCpu += median(k.map((x) => x.cpuMs));
    sum.plainCpu += median(p.map((x) => x.cpuMs));
  }
  const rate = (ms: number) => (sum.barEvals / ms) * 1_000;
  return { kernel: rate(sum.kernelMs), plain: rate(sum.plainMs), kernelCpu: rate(sum.kernelCpu), plainCpu: rate(sum.plainCpu), cold: rate(sum.coldMs), backend: used, barEvals: sum.barEvals };
}

const universe = await loadUniverse();
const totalBars = universe.reduce((n, b) => n + b.length, 0);
progress(`${universe.length} symbol(s), ${totalBars.toLocaleString('en-US')} bars ${dataDir === undefined ? '(seeded)' : `from ${dataDir}`}; ${cpus().length} CPUs; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const auto = await SweepBackend.open('auto');
const sync = await SweepBackend.open('webasm');
const metrics: Record<string, number> = {};
const baseline: Record<string, number> = {};
const ratio: Record<string, number> = {};
const notes: Record<string, string> = {};
const add = (key: string, r: Awaited<ReturnType<typeof compare>>) => {
  metrics[key] = r.kernel;
  baseline[key] = r.plain;
  ratio[key] = r.kernel / r.plain;
  notes[key] = `backend ${r.backend}; ${r.barEvals.toLocaleString('en-US')} bar-evaluations per pass; cold (kernel compile and pool start included) ${Math.round(r.cold).toLocaleString('en-US')}/s; per CPU-second: kernel ${Math.round(r.kernelCpu).toLocaleString('en-US')}, plain ${Math.round(r.plainCpu).toLocaleString('en-US')}`;
};
const wanted = (strategy: string) => only === undefined || only === strategy;
try {
  if (wanted('sma-cross')) {
    add('sma_cross_bar_evals_per_s', await compare('sma-cross, auto backend', universe, 'sma-cross', 'indexed', auto));
    add('sma_cross_single_thread_bar_evals_per_s', await compare('sma-cross, synchronous webasm (one thread)', universe, 'sma-cross', 'indexed', sync));
    add('sma_cross_inline_bar_evals_per_s', await compare('sma-cross, inline indicators', universe, 'sma-cross', 'inline', auto));
  }
  if (wanted('rsi-reversion')) add('rsi_reversion_bar_evals_per_s', await compare('rsi-reversion', universe, 'rsi-reversion', 'indexed', auto));
  if (wanted('bollinger-atr')) add('bollinger_atr_bar_evals_per_s', await compare('bollinger-atr', universe, 'bollinger-atr', 'indexed', auto));
} finally {
  await auto.destroy();
  await sync.destroy();
}
const auto0 = auto.report();
report({
  bench: 'optimizer',
  metrics,
  baseline,
  ratio,
  notes: {
    ...notes,
    data: `${universe.length} symbol(s), ${totalBars} bars, ${dataDir ?? 'seeded random walks'}`,
    grids: Object.entries(GRIDS).map(([k, v]) => `${k}: ${v}`).join('; '),
    backend: `auto -> ${auto0.backend} (gpu.js mode ${auto0.gpuMode}, ${auto0.arithmetic}); tried and failed: ${auto0.attempts.map((a) => `${a.mode} (${a.error})`).join(', ') || 'none'}`,
    machine: `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    baseline: 'referenceSweep: float64 plain-JS loop, indicator series once per distinct value, same grid and bars, same run',
    targets: 'sma_cross_bar_evals_per_s >= 200,000,000 and ratio >= 2 on this CPU-only machine',
  },
});
