/**
 * One sweep: checked inputs, a chunk plan, and the kernel launches that fill a `combos × 4` result. The
 * OptimizerActor drives it one chunk per message so a cancel can land between chunks; `runSweep` drives it
 * in a loop for callers without an actor system (the benchmark, scripts).
 */
import type { Clock } from '../../runtime/clock.js';
import { SystemClock } from '../../runtime/clock.js';
import type { Bar } from '../domain/bar.js';
import { RAW_WIDTH } from './book.js';
import { SweepBackend } from './backend.js';
import type { BackendReport, KernelBackend, SweepKernel } from './backend.js';
import { planChunks } from './chunking.js';
import type { SweepChunks } from './chunking.js';
import { KernelFailedError, NoBarsError, SweepCancelledError } from './errors.js';
import { expandGrid, normalizeGrid } from './grid.js';
import type { ExpandedGrid } from './grid.js';
import { costConstants, kernelConstants, kernelConstantTypes } from './kernels/cost-model.js';
import type { CostConstants } from './kernels/cost-model.js';
import { comboWidth, kernelSource, sweepStrategy } from './kernels/registry.js';
import type { KernelApproach, SweepStrategy } from './kernels/types.js';
import { rankResults, yearsBetween } from './ranking.js';
import type { RankedResult } from './ranking.js';
import { resolveRequest } from './request.js';
import type { Objective, OptimizeRequest, ResolvedRequest } from './request.js';
import { barColumns, SeriesCache, toFloat32 } from './series.js';
import type { BarColumns, BarColumns32 } from './series.js';

/** Everything a sweep needs, checked. */
export interface SweepSetup {
  readonly request: ResolvedRequest;
  readonly strategy: SweepStrategy;
  /** The bars swept (within from/to), as given: what a confirmation re-run backtests. */
  readonly barList: readonly Bar[];
  readonly bars: BarColumns;
  readonly bars32: BarColumns32;
  readonly grid: ExpandedGrid;
  readonly costs: CostConstants;
  readonly plan: SweepChunks;
  readonly cache: SeriesCache;
  /** Years between the first and last bar, for CAGR and Calmar. */
  readonly years: number;
}

/** Progress after a chunk: combinations done of the total, and the time left at the pace so far. */
export interface SweepProgress {
  readonly chunk: number;
  readonly chunks: number;
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
  /** Estimated time to finish, from the injected clock; 0 when done. */
  readonly etaMs: number;
}

/** What a finished sweep reports. */
export interface SweepOutcome {
  readonly strategy: string;
  readonly symbol: string;
  readonly interval: string;
  readonly bars: number;
  readonly firstBarTime: number;
  readonly lastBarTime: number;
  /** The backend that ran the kernels (webgpu, webgl2, webasm, cpu, …). */
  readonly backend: string;
  readonly backendReport: BackendReport;
  readonly approach: KernelApproach;
  readonly objective: Objective;
  /** Combinations evaluated. */
  readonly combos: number;
  /** Combinations the strategy's cross-field checks ruled out. */
  readonly skipped: number;
  readonly chunks: number;
  readonly elapsedMs: number;
  readonly results: readonly RankedResult[];
}

/** Checks a request against its bars and plans the chunks. Bars must be one symbol's, oldest first. */
export function prepareSweep(input: OptimizeRequest | ResolvedRequest, allBars: readonly Bar[]): SweepSetup {
  const request = 'costs' in input ? input : resolveRequest(input);
  const strategy = sweepStrategy(request.strategy);
  const bars = allBars.filter((b) => b.time >= request.from && b.time < request.to);
  if (bars.length < 2) throw new NoBarsError(request.symbol, bars.length, `in [${request.from}, ${request.to})`);
  for (let i = 1; i < bars.length; i++) {
    if (!(bars[i]!.time > bars[i - 1]!.time)) throw new NoBarsError(request.symbol, bars.length, `are not in strictly increasing time order at index ${i}`);
  }
  const grid = expandGrid(strategy.params, normalizeGrid(strategy.params, request.grid));
  const cols = barColumns(bars);
  return {
    request,
    strategy,
    barList: bars,
    bars: cols,
    bars32: toFloat32(cols),
    grid,
    costs: costConstants(request.costs),
    plan: planChunks(strategy, grid, cols.n, request.limits),
    cache: new SeriesCache(cols),
    years: yearsBetween(cols.time[0]!, cols.time[cols.n - 1]!),
  };
}

/** The kernel launches of one sweep on one backend. */
export class SweepRun {
  /** `combos × 4` figures: final equity, Sharpe, max drawdown, round trips. */
  readonly raw: Float32Array;
  readonly #startedAt: number;
  #kernel: SweepKernel | undefined;
  #done = 0;
  #seriesKey = '';
  #series: Float32Array = new Float32Array(1);

  constructor(
    readonly setup: SweepSetup,
    readonly backend: KernelBackend,
    readonly clock: Clock = new SystemClock(),
  ) {
    this.raw = new Float32Array(setup.grid.combos * RAW_WIDTH);
    this.#startedAt = clock.now();
  }

  get chunks(): number {
    return this.setup.plan.chunks.length;
  }

  get done(): number {
    return this.#done;
  }

  /** Runs chunk `index`; throws KernelFailedError when the kernel throws or returns unusable figures. */
  async runChunk(index: number): Promise<SweepProgress> {
    const { plan, grid, strategy, bars32 } = this.setup;
    const chunk = plan.chunks[index]!;
    const kernel = this.#kernelOrCompile(index);
    const combo = this.#comboRows(chunk.start, chunk.end, chunk.rows);
    let out: Float32Array[];
    try {
      out = await kernel.run(bars32.open, bars32.high, bars32.low, bars32.close, this.#seriesFor(chunk.rows), combo);
    } catch (error) {
      throw new KernelFailedError(kernel.mode, index, error instanceof Error ? error.message : String(error), { cause: error });
    }
    const n = chunk.end - chunk.start;
    if (!Array.isArray(out) || out.length < n) throw new KernelFailedError(kernel.mode, index, `returned ${Array.isArray(out) ? out.length : typeof out} results for ${n} combinations`);
    for (let i = 0; i < n; i++) {
      const row = out[i]!;
      if (!(Number.isFinite(row[0]) && Number.isFinite(row[1]) && Number.isFinite(row[2]) && Number.isFinite(row[3]))) {
        throw new KernelFailedError(kernel.mode, index, `non-finite figures [${Array.from(row).join(', ')}] for combination ${chunk.start + i} of ${grid.combos} (${strategy.kind})`);
      }
      this.raw.set(row.subarray(0, RAW_WIDTH), (chunk.start + i) * RAW_WIDTH);
    }
    this.#done += n;
    const elapsedMs = this.clock.now() - this.#startedAt;
    const left = grid.combos - this.#done;
    return { chunk: index + 1, chunks: this.chunks, done: this.#done, total: grid.combos, elapsedMs, etaMs: left === 0 ? 0 : Math.round((elapsedMs / this.#done) * left) };
  }

  /** The report and the ranked combinations, once every chunk has run. */
  outcome(): SweepOutcome {
    const { request, grid, bars, years } = this.setup;
    const report = this.backend.report(this.#kernel);
    return {
      strategy: request.strategy,
      symbol: request.symbol,
      interval: request.interval,
      bars: bars.n,
      firstBarTime: bars.time[0]!,
      lastBarTime: bars.time[bars.n - 1]!,
      backend: report.backend,
      backendReport: report,
      approach: request.approach,
      objective: request.objective,
      combos: grid.combos,
      skipped: grid.skipped,
      chunks: this.chunks,
      elapsedMs: this.clock.now() - this.#startedAt,
      results: rankResults(this.raw, grid, request.objective, request.top, request.costs.initialCash, years),
    };
  }

  /** Releases the kernel (the backend stays open). */
  dispose(): void {
    this.#kernel?.destroy();
    this.#kernel = undefined;
  }

  #kernelOrCompile(index: number): SweepKernel {
    if (this.#kernel !== undefined) return this.#kernel;
    const { strategy, request, bars, costs, plan } = this.setup;
    const constants = kernelConstants(costs, bars.n, comboWidth(strategy));
    try {
      this.#kernel = this.backend.createKernel(kernelSource(strategy, request.approach), {
        output: plan.comboCapacity,
        constants,
        constantTypes: kernelConstantTypes(constants),
        loopMaxIterations: bars.n,
        argumentLengths: [bars.n, bars.n, bars.n, bars.n, request.approach === 'inline' ? 1 : Math.max(1, plan.rowCapacity) * bars.n, plan.comboCapacity * comboWidth(strategy)],
      });
    } catch (error) {
      throw new KernelFailedError(this.backend.probedMode, index, `compile: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return this.#kernel;
  }

  #seriesFor(rows: readonly string[]): Float32Array {
    if (this.setup.request.approach === 'inline') return this.#series;
    const key = rows.join(',');
    if (key !== this.#seriesKey) {
      this.#series = this.setup.cache.matrix32(rows as never, this.setup.plan.rowCapacity);
      this.#seriesKey = key;
    }
    return this.#series;
  }

  /** Rows `[start, end)` as kernel input: local series row indices, then params; padded with the last row. */
  #comboRows(start: number, end: number, rows: readonly string[]): Float32Array {
    const { strategy, grid, plan } = this.setup;
    const width = comboWidth(strategy);
    const params = grid.names.length;
    const rowOf = new Map(rows.map((k, i) => [k, i]));
    const out = new Float32Array(plan.comboCapacity * width);
    const p: Record<string, number> = {};
    for (let i = 0; i < plan.comboCapacity; i++) {
      const src = Math.min(start + i, end - 1);
      for (let j = 0; j < params; j++) p[grid.names[j]!] = grid.values[src * params + j]!;
      strategy.series(p).forEach((key, s) => (out[i * width + s] = rowOf.get(key) ?? 0));
      for (let j = 0; j < params; j++) out[i * width + strategy.seriesSlots + j] = p[grid.names[j]!]!;
    }
    return out;
  }
}

/** Options of `runSweep`. */
export interface RunSweepOptions {
  readonly bars: readonly Bar[];
  /** An open backend to use (and leave open); default: open one from the request's preference and close it after. */
  readonly backend?: KernelBackend;
  readonly clock?: Clock;
  readonly onProgress?: (progress: SweepProgress) => void;
  /** Aborting stops the sweep between chunks with SweepCancelledError. */
  readonly signal?: AbortSignal;
}

/**
 * Runs a whole sweep outside an actor system.
 *
 * @example
 * const outcome = await runSweep({ strategy: 'sma-cross', symbol: 'AAPL', grid: 'fast=5..50:5,slow=20..200:10' }, { bars });
 * console.log(outcome.backend, outcome.results[0]?.params);
 */
export async function runSweep(request: OptimizeRequest, options: RunSweepOptions): Promise<SweepOutcome & { readonly raw: Float32Array }> {
  const setup = prepareSweep(request, options.bars);
  const backend = options.backend ?? (await SweepBackend.open(setup.request.backend));
  const run = new SweepRun(setup, backend, options.clock);
  try {
    for (let i = 0; i < run.chunks; i++) {
      if (options.signal?.aborted === true) throw new SweepCancelledError('local', run.done, setup.grid.combos);
      const progress = await run.runChunk(i);
      options.onProgress?.(progress);
    }
    return { ...run.outcome(), raw: run.raw };
  } finally {
    run.dispose();
    if (options.backend === undefined) await backend.destroy();
  }
}
