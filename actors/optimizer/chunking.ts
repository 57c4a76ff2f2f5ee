/**
 * Splitting a sweep into kernel launches that fit a memory budget.
 *
 * One launch holds the four price columns, the indicator rows its combinations read (`rows × bars`) and
 * its combinations (`combos × (width + 4)`: parameters in, four figures out), all float32:
 *
 *     bytes = 4 × (4 × bars + rows × bars + combos × (width + 4))
 *
 * Launches are also capped in work (`combos × bars` bar-evaluations), so progress arrives at a steady pace
 * and no launch runs into a GPU watchdog, and every array stays under 2^24 elements so float32 indices stay
 * exact. All launches of a sweep share one shape (combo and row capacity); the last is padded.
 */
import { MemoryBudgetTooSmallError } from './errors.js';
import type { ExpandedGrid } from './grid.js';
import { comboWidth, paramNames } from './kernels/registry.js';
import type { SweepStrategy } from './kernels/types.js';
import { RAW_WIDTH } from './book.js';
import type { SeriesKey } from './series.js';

/** Device memory one launch may use. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;
/** Most bar-evaluations (combinations × bars) per launch: about a second on a 2-core CPU. */
export const DEFAULT_MAX_BAR_EVALUATIONS_PER_CHUNK = 2 ** 28;
/** Largest array a kernel may index: float32 represents every integer index up to 2^24 exactly. */
export const MAX_KERNEL_ARRAY_ELEMENTS = 2 ** 24;
/** Combinations reserved room for when choosing how many indicator rows one launch may hold. */
const PREFERRED_MIN_COMBOS_PER_CHUNK = 4_096;
const BYTES_PER_FLOAT = 4;
/**
 * Launch sizes are rounded up to a multiple of the SIMD width: gpu.js's threaded WebAssembly path runs
 * its f32x4 body only when the output row is a multiple of 4 wide (else every cell runs scalar).
 */
export const KERNEL_LANES = 4;
const PRICE_COLUMNS = 4;

/** Limits of a plan. */
export interface ChunkLimits {
  readonly memoryBudgetBytes?: number;
  readonly maxBarEvaluationsPerChunk?: number;
}

/** One launch: combinations `[start, end)` and the indicator rows they read, in row order. */
export interface ChunkPlan {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly rows: readonly SeriesKey[];
}

export interface SweepChunks {
  readonly chunks: readonly ChunkPlan[];
  /** Combinations per launch (the kernel's output size, a multiple of KERNEL_LANES); launches are padded to it. */
  readonly comboCapacity: number;
  /** Indicator rows per launch (the most any launch reads); unused rows are zero. */
  readonly rowCapacity: number;
  /** Estimated bytes of one launch at full capacity. */
  readonly bytesPerChunk: number;
}

/** Bytes of one launch holding `rows` indicator rows and `combos` combinations of `width` floats. */
export function estimateChunkBytes(bars: number, rows: number, combos: number, width: number): number {
  return BYTES_PER_FLOAT * (PRICE_COLUMNS * bars + rows * bars + combos * (width + RAW_WIDTH));
}

/** The series combination `i` of `grid` reads. */
export function comboSeries(strategy: SweepStrategy, grid: ExpandedGrid, i: number): readonly SeriesKey[] {
  const names = paramNames(strategy);
  const p: Record<string, number> = {};
  names.forEach((n, j) => (p[n] = grid.values[i * names.length + j]!));
  return strategy.series(p);
}

/**
 * Cuts `grid` into launches under `limits`. Throws MemoryBudgetTooSmallError when not even one
 * combination fits with its bars and indicator rows.
 */
export function planChunks(strategy: SweepStrategy, grid: ExpandedGrid, bars: number, limits: ChunkLimits = {}): SweepChunks {
  const budget = limits.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const maxWork = limits.maxBarEvaluationsPerChunk ?? DEFAULT_MAX_BAR_EVALUATIONS_PER_CHUNK;
  const width = comboWidth(strategy);
  const slots = strategy.seriesSlots;
  const minimum = estimateChunkBytes(bars, slots, 1, width);
  if (minimum > budget || slots * bars > MAX_KERNEL_ARRAY_ELEMENTS) throw new MemoryBudgetTooSmallError(budget, minimum);

  const distinct = new Set<SeriesKey>();
  for (let i = 0; i < grid.combos; i++) for (const key of comboSeries(strategy, grid, i)) distinct.add(key);
  const floats = budget / BYTES_PER_FLOAT - PRICE_COLUMNS * bars;
  const reserve = Math.min(grid.combos, PREFERRED_MIN_COMBOS_PER_CHUNK) * (width + RAW_WIDTH);
  const rowCapacity = Math.max(slots, Math.min(distinct.size, Math.floor(MAX_KERNEL_ARRAY_ELEMENTS / bars), Math.floor((floats - reserve) / bars)));
  /** Most combinations one launch may hold under the budget, the work cap and the index limit. */
  const allowed = Math.max(1, Math.min(
    Math.floor(maxWork / bars),
    Math.floor(MAX_KERNEL_ARRAY_ELEMENTS / width),
    Math.floor((floats - rowCapacity * bars) / (width + RAW_WIDTH)),
  ));
  // Whole quads where the budget allows; launch sizes evened out so padding the last one wastes little.
  const laneLimit = allowed >= KERNEL_LANES ? allowed - (allowed % KERNEL_LANES) : allowed;
  const launches = grid.combos <= allowed ? 1 : Math.ceil(grid.combos / laneLimit);
  const comboCapacity = Math.ceil(grid.combos / launches);

  const chunks: ChunkPlan[] = [];
  let start = 0;
  let rows = new Set<SeriesKey>();
  for (let i = 0; i < grid.combos; i++) {
    const needed = comboSeries(strategy, grid, i);
    const added = needed.filter((k) => !rows.has(k)).length;
    if (i > start && (i - start >= comboCapacity || rows.size + added > rowCapacity)) {
      chunks.push({ index: chunks.length, start, end: i, rows: [...rows] });
      start = i;
      rows = new Set();
    }
    for (const k of needed) rows.add(k);
  }
  chunks.push({ index: chunks.length, start, end: grid.combos, rows: [...rows] });
  const largest = Math.max(...chunks.map((c) => c.end - c.start));
  const rounded = Math.ceil(largest / KERNEL_LANES) * KERNEL_LANES;
  const combos = rounded <= allowed ? rounded : largest;
  const rowsUsed = Math.max(...chunks.map((c) => c.rows.length));
  return { chunks, comboCapacity: combos, rowCapacity: rowsUsed, bytesPerChunk: estimateChunkBytes(bars, rowsUsed, combos, width) };
}
