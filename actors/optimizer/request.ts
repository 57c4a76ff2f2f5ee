import type { CommissionModel } from '../broker/commission.js';
import { DEFAULT_COMMISSION, DEFAULT_SLIPPAGE_BPS } from '../broker/commission.js';
import { INTERVAL_MS, isInterval } from '../domain/bar.js';
import type { Bar, Interval } from '../domain/bar.js';
import { BACKEND_PREFERENCES } from './backend.js';
import type { BackendPreference } from './backend.js';
import type { ChunkLimits } from './chunking.js';
import { InvalidOptimizeRequestError } from './errors.js';
import type { GridInput } from './grid.js';
import { DEFAULT_INITIAL_CASH, DEFAULT_TICK_SIZE } from './kernels/cost-model.js';
import type { CostSettings } from './kernels/cost-model.js';
import { SWEEP_STRATEGIES } from './kernels/registry.js';
import { KERNEL_APPROACHES } from './kernels/types.js';
import type { KernelApproach } from './kernels/types.js';

/** What a sweep ranks combinations by (higher is better). */
export type Objective = 'sharpe' | 'totalReturn' | 'calmar';
export const OBJECTIVES: readonly Objective[] = ['sharpe', 'totalReturn', 'calmar'];

/** Ranked combinations a result carries. */
export const DEFAULT_TOP_N = 10;
/** Best combinations re-run through the actor backtest to confirm the kernel's figures. */
export const DEFAULT_CONFIRM_TOP_N = 3;
/** Most ranked combinations a result may carry. */
export const MAX_TOP_N = 1_000;
export const DEFAULT_OBJECTIVE: Objective = 'sharpe';
export const DEFAULT_APPROACH: KernelApproach = 'indexed';

/** US equity trading days per year, and the regular session of 6.5 hours for intraday bars. */
export function defaultPeriodsPerYear(interval: Interval): number {
  if (interval === '1d') return 252;
  if (interval === '1wk') return 52;
  return Math.round((252 * 6.5 * 3_600_000) / INTERVAL_MS[interval]);
}

/**
 * A parameter sweep of one built-in strategy over one symbol's bars.
 *
 * @example
 * const request: OptimizeRequest = { strategy: 'sma-cross', symbol: 'AAPL', grid: 'fast=5..50:5,slow=20..200:10', objective: 'sharpe' };
 */
export interface OptimizeRequest {
  /** A built-in strategy kind: `sma-cross`, `rsi-reversion` or `bollinger-atr`. */
  readonly strategy: string;
  readonly symbol: string;
  /** Default `1d`. */
  readonly interval?: Interval;
  /** First bar time (epoch ms, inclusive); default: the first stored bar. */
  readonly from?: number;
  /** End time (epoch ms, exclusive); default: after the last stored bar. */
  readonly to?: number;
  /** Bars given inline (oldest first); when absent they come from the node's BarStore. */
  readonly bars?: readonly Bar[];
  readonly grid: GridInput;
  /** Default `sharpe`. */
  readonly objective?: Objective;
  /** Ranked combinations to return; default 10. */
  readonly top?: number;
  /** Default 100,000. */
  readonly initialCash?: number;
  /** Default: 0.005 per share, 1.00 minimum, at most 1% of the notional. */
  readonly commission?: CommissionModel;
  /** Default 0. */
  readonly slippageBps?: number;
  /** Default 0.01. */
  readonly tickSize?: number;
  /** Default from the interval (252 for daily bars). */
  readonly periodsPerYear?: number;
  /** Default `indexed`. */
  readonly approach?: KernelApproach;
  /** Default `auto`. */
  readonly backend?: BackendPreference;
  /** Device memory per kernel launch, bytes; default 256 MiB. */
  readonly memoryBudgetBytes?: number;
  /** Work per kernel launch, combinations × bars; default 2^28. */
  readonly maxBarEvaluationsPerChunk?: number;
  /** Best combinations to re-run through the actor backtest; default 3, 0 to skip. */
  readonly confirmTop?: number;
}

/** A request with every default filled in. */
export interface ResolvedRequest {
  readonly strategy: string;
  readonly symbol: string;
  readonly interval: Interval;
  readonly from: number;
  readonly to: number;
  readonly grid: GridInput;
  readonly objective: Objective;
  readonly top: number;
  readonly costs: CostSettings;
  readonly approach: KernelApproach;
  readonly backend: BackendPreference;
  readonly limits: ChunkLimits;
  readonly confirmTop: number;
}

function commissionProblems(m: unknown): string[] {
  if (typeof m !== 'object' || m === null) return [`commission: must be a commission model, got ${JSON.stringify(m)}`];
  const c = m as Record<string, unknown>;
  const nonNegative = (k: string) => (typeof c[k] === 'number' && Number.isFinite(c[k]) && (c[k] as number) >= 0 ? [] : [`commission.${k}: must be a number >= 0, got ${JSON.stringify(c[k])}`]);
  switch (c['kind']) {
    case 'none':
      return [];
    case 'per_share':
      return [...nonNegative('perShare'), ...nonNegative('minimumPerOrder'), ...(c['maximumPctOfNotional'] === undefined ? [] : nonNegative('maximumPctOfNotional'))];
    case 'bps':
      return [...nonNegative('bps'), ...nonNegative('minimumPerOrder')];
    default:
      return [`commission.kind: must be none, per_share or bps, got ${JSON.stringify(c['kind'])}`];
  }
}

function positive(problems: string[], name: string, v: unknown, integer = false): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) problems.push(`${name}: must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
}

/**
 * Checks a request and fills its defaults. Throws InvalidOptimizeRequestError naming every field at fault;
 * the grid itself is checked against the strategy later (InvalidGridError).
 */
export function resolveRequest(input: unknown): ResolvedRequest {
  if (typeof input !== 'object' || input === null) throw new InvalidOptimizeRequestError([`request: must be an object, got ${JSON.stringify(input)}`]);
  const r = input as OptimizeRequest;
  const problems: string[] = [];
  if (!SWEEP_STRATEGIES.has(r.strategy)) problems.push(`strategy: ${JSON.stringify(r.strategy)} is not one of ${[...SWEEP_STRATEGIES.keys()].join(', ')}`);
  if (typeof r.symbol !== 'string' || r.symbol.length === 0) problems.push(`symbol: must be a non-empty string, got ${JSON.stringify(r.symbol)}`);
  if (r.interval !== undefined && !isInterval(r.interval)) problems.push(`interval: ${JSON.stringify(r.interval)} is not a bar interval`);
  for (const k of ['from', 'to'] as const) if (r[k] !== undefined && !Number.isSafeInteger(r[k])) problems.push(`${k}: must be epoch milliseconds, got ${JSON.stringify(r[k])}`);
  if (r.from !== undefined && r.to !== undefined && r.from >= r.to) problems.push(`from (${r.from}) must be before to (${r.to})`);
  if (r.bars !== undefined && !Array.isArray(r.bars)) problems.push('bars: must be an array of bars');
  if (typeof r.grid !== 'string' && (typeof r.grid !== 'object' || r.grid === null)) problems.push(`grid: must be text such as fast=5..50:5 or an object, got ${JSON.stringify(r.grid)}`);
  if (r.objective !== undefined && !OBJECTIVES.includes(r.objective)) problems.push(`objective: ${JSON.stringify(r.objective)} is not one of ${OBJECTIVES.join(', ')}`);
  positive(problems, 'top', r.top, true);
  if (r.top !== undefined && r.top > MAX_TOP_N) problems.push(`top: at most ${MAX_TOP_N}, got ${r.top}`);
  positive(problems, 'initialCash', r.initialCash);
  if (r.commission !== undefined) problems.push(...commissionProblems(r.commission));
  if (r.slippageBps !== undefined && !(typeof r.slippageBps === 'number' && r.slippageBps >= 0 && r.slippageBps < 10_000)) problems.push(`slippageBps: must be a number in [0, 10000), got ${JSON.stringify(r.slippageBps)}`);
  positive(problems, 'tickSize', r.tickSize);
  positive(problems, 'periodsPerYear', r.periodsPerYear);
  if (r.approach !== undefined && !KERNEL_APPROACHES.includes(r.approach)) problems.push(`approach: ${JSON.stringify(r.approach)} is not one of ${KERNEL_APPROACHES.join(', ')}`);
  if (r.backend !== undefined && !BACKEND_PREFERENCES.includes(r.backend)) problems.push(`backend: ${JSON.stringify(r.backend)} is not one of ${BACKEND_PREFERENCES.join(', ')}`);
  positive(problems, 'memoryBudgetBytes', r.memoryBudgetBytes, true);
  positive(problems, 'maxBarEvaluationsPerChunk', r.maxBarEvaluationsPerChunk, true);
  if (r.confirmTop !== undefined && !(Number.isInteger(r.confirmTop) && r.confirmTop >= 0)) problems.push(`confirmTop: must be an integer >= 0, got ${JSON.stringify(r.confirmTop)}`);
  if (problems.length > 0) throw new InvalidOptimizeRequestError(problems);
  const interval = r.interval ?? '1d';
  return {
    strategy: r.strategy,
    symbol: r.symbol,
    interval,
    from: r.from ?? 0,
    to: r.to ?? Number.MAX_SAFE_INTEGER,
    grid: r.grid,
    objective: r.objective ?? DEFAULT_OBJECTIVE,
    top: r.top ?? DEFAULT_TOP_N,
    costs: {
      initialCash: r.initialCash ?? DEFAULT_INITIAL_CASH,
      commission: r.commission ?? DEFAULT_COMMISSION,
      slippageBps: r.slippageBps ?? DEFAULT_SLIPPAGE_BPS,
      tickSize: r.tickSize ?? DEFAULT_TICK_SIZE,
      periodsPerYear: r.periodsPerYear ?? defaultPeriodsPerYear(interval),
    },
    approach: r.approach ?? DEFAULT_APPROACH,
    backend: r.backend ?? 'auto',
    limits: {
      ...(r.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: r.memoryBudgetBytes }),
      ...(r.maxBarEvaluationsPerChunk === undefined ? {} : { maxBarEvaluationsPerChunk: r.maxBarEvaluationsPerChunk }),
    },
    confirmTop: r.confirmTop ?? DEFAULT_CONFIRM_TOP_N,
  };
}
