/** The work behind the Optimizer and Backtest pages: requests built from a client's command, results for its view. */
import { errorInfo } from '../../runtime/events.js';
import type { Bar } from '../domain/bar.js';
import { runBacktest } from '../backtest/engine.js';
import type { BarStore } from '../../persistence/bar-store.js';
import { expandGrid, normalizeGrid } from '../optimizer/grid.js';
import { SWEEP_STRATEGIES } from '../optimizer/kernels/registry.js';
import type { OptimizerResult } from '../optimizer/protocol.js';
import type { OptimizeRequest } from '../optimizer/request.js';
import { MAX_TOP_N } from '../optimizer/request.js';
import type { BackendPreference } from '../optimizer/backend.js';
import { BUILTIN_STRATEGIES } from '../strategy/registry.js';
import { GATEWAY_ERROR_CODES, GatewayRequestError } from './errors.js';
import type { BacktestRunCommand, OptimizerRunCommand, ServerEvent, SweepRow } from './protocol.js';
import { downsample, finite } from './views.js';

/** Kernel launches a UI sweep is split into, so its progress bar moves. */
export const SWEEP_TARGET_CHUNKS = 20;
/** Bars a backtest runs over unless the client asks for another number (the most recent ones stored). */
export const DEFAULT_BACKTEST_BARS = 1_000;
/** Points of an equity curve sent to a client. */
export const MAX_EQUITY_POINTS = 1_000;
/** Fewest bars a backtest or sweep needs to mean anything. */
export const MIN_JOB_BARS = 30;

async function storedBars(store: BarStore, symbol: string, most: number): Promise<Bar[]> {
  const bars = await store.range(symbol, '1d', 0, Number.MAX_SAFE_INTEGER);
  if (bars.length < MIN_JOB_BARS) throw new GatewayRequestError(GATEWAY_ERROR_CODES.noBars, `${symbol} has ${bars.length} stored daily bars; at least ${MIN_JOB_BARS} are needed`);
  return bars.slice(-most);
}

/**
 * An `optimizer.run` request for a client's sweep over the symbol's stored bars: the grid checked here
 * (so a bad one is answered at once, naming the parameter), every combination ranked (up to the
 * optimizer's maximum) so the heatmap has them all, and chunks sized for about {@link SWEEP_TARGET_CHUNKS}
 * progress steps.
 */
export async function sweepRequest(cmd: OptimizerRunCommand, store: BarStore, backend: BackendPreference): Promise<OptimizeRequest> {
  const strategy = SWEEP_STRATEGIES.get(cmd.strategy);
  if (strategy === undefined) throw new GatewayRequestError(GATEWAY_ERROR_CODES.invalidStrategy, `${cmd.strategy} cannot be swept (sweepable: ${[...SWEEP_STRATEGIES.keys()].join(', ')})`);
  let combos: number;
  try {
    combos = expandGrid(strategy.params, normalizeGrid(strategy.params, cmd.grid)).combos;
  } catch (error) {
    throw new GatewayRequestError(GATEWAY_ERROR_CODES.invalidStrategy, errorInfo(error).message, { cause: error });
  }
  const bars = await storedBars(store, cmd.symbol, Number.MAX_SAFE_INTEGER);
  return {
    strategy: cmd.strategy,
    symbol: cmd.symbol,
    bars,
    grid: cmd.grid,
    objective: cmd.objective ?? 'sharpe',
    top: Math.min(MAX_TOP_N, combos),
    backend,
    maxBarEvaluationsPerChunk: Math.max(1, Math.ceil(combos / SWEEP_TARGET_CHUNKS)) * bars.length,
  };
}

/** An `optimizer.result` as the Optimizer page shows it. */
export function sweepResultEvent(id: string, r: OptimizerResult): ServerEvent {
  const paramNames = Object.keys(SWEEP_STRATEGIES.get(r.strategy)?.params.spec ?? r.results[0]?.params ?? {});
  const rows: SweepRow[] = r.results.map((x) => ({
    rank: x.rank,
    params: { ...x.params },
    totalReturn: finite(x.metrics.totalReturn),
    cagr: finite(x.metrics.cagr),
    sharpe: finite(x.metrics.sharpe),
    maxDrawdown: finite(x.metrics.maxDrawdown),
    calmar: finite(x.metrics.calmar),
    trades: finite(x.metrics.trades),
    finalEquity: finite(x.metrics.finalEquity),
  }));
  const c = r.confirmation;
  const confirmation = c.status === 'unavailable' || c.status === 'skipped' ? `${c.status}${c.reason === undefined ? '' : `: ${c.reason}`}` : `${c.status} (${c.rows.length} re-run through the actor backtest)`;
  return {
    type: 'optimizer.result', id, strategy: r.strategy, symbol: r.symbol, backend: r.backend, objective: r.objective, bars: r.bars,
    combos: r.combos, skipped: r.skipped, elapsedMs: finite(r.elapsedMs), paramNames, rows, confirmation,
  };
}

/**
 * Runs a backtest of a built-in strategy over the symbol's most recent stored bars (the same engine and
 * order path as `runBacktest` anywhere) and builds the Backtest page's event; a failure becomes
 * `backtest.failed` with its code, never a thrown error.
 */
export async function backtestEvent(cmd: BacktestRunCommand, store: BarStore, initialCash: number): Promise<ServerEvent> {
  try {
    const cls = BUILTIN_STRATEGIES.get(cmd.strategy);
    if (cls === undefined) throw new GatewayRequestError(GATEWAY_ERROR_CODES.invalidStrategy, `${cmd.strategy} is not a built-in strategy (known: ${[...BUILTIN_STRATEGIES.keys()].join(', ')})`);
    const problems = cls.params.problems(cmd.params ?? {});
    if (problems.length > 0) throw new GatewayRequestError(GATEWAY_ERROR_CODES.invalidStrategy, `${cmd.strategy}: ${problems.join('; ')}`);
    const bars = (await storedBars(store, cmd.symbol, cmd.bars ?? DEFAULT_BACKTEST_BARS)).map(({ symbol, interval, time, open, high, low, close, volume }) => ({ symbol, interval, time, open, high, low, close, volume }));
    const result = await runBacktest({ strategy: cls, params: cmd.params ?? {}, bars, initialCash });
    const m = result.metrics;
    return {
      type: 'backtest.result', id: cmd.id, strategy: result.strategy, symbol: cmd.symbol, params: { ...result.params }, bars: result.bars,
      from: result.from, to: result.to,
      metrics: {
        initialEquity: finite(m.initialEquity), finalEquity: finite(m.finalEquity), totalReturn: finite(m.totalReturn), cagr: finite(m.cagr),
        sharpe: finite(m.sharpe), sortino: finite(m.sortino), calmar: finite(m.calmar), maxDrawdown: finite(m.maxDrawdown), trades: m.trades,
        winRate: finite(m.winRate), exposure: finite(m.exposure), turnover: finite(m.turnover), commissions: finite(m.commissions), fills: m.fills,
      },
      equity: downsample(result.equityCurve.map((p) => ({ time: p.time, equity: finite(p.equity) })), MAX_EQUITY_POINTS),
      denials: result.denials.length,
    };
  } catch (error) {
    const info = errorInfo(error);
    return { type: 'backtest.failed', id: cmd.id, code: error instanceof GatewayRequestError ? error.errorCode : (info.code ?? info.name), message: info.message };
  }
}
