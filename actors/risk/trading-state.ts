import { InvalidTradingStateTransitionError } from './errors.js';
import type { RiskLimits } from './limits.js';

/** ACTIVE: all checks apply. REDUCING: only exposure-reducing orders. HALTED: no new orders, cancels only. */
export const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;
export type TradingState = (typeof TRADING_STATES)[number];

/** What caused a trading-state change. Only an operator can loosen the state. */
export const TRADING_STATE_TRIGGERS = ['operator', 'daily_loss_limit', 'max_drawdown'] as const;
export type TradingStateTrigger = (typeof TRADING_STATE_TRIGGERS)[number];

/** One allowed trading-state change. */
export interface TradingStateTransition {
  readonly from: TradingState;
  readonly trigger: TradingStateTrigger;
  readonly to: TradingState;
}

/**
 * The one table of allowed trading-state changes. Automatic triggers only ever make the state stricter
 * (ACTIVE < REDUCING < HALTED); loosening it takes an authorised operator.
 */
export const TRADING_STATE_TRANSITIONS: readonly TradingStateTransition[] = Object.freeze([
  { from: 'ACTIVE', trigger: 'operator', to: 'REDUCING' },
  { from: 'ACTIVE', trigger: 'operator', to: 'HALTED' },
  { from: 'REDUCING', trigger: 'operator', to: 'ACTIVE' },
  { from: 'REDUCING', trigger: 'operator', to: 'HALTED' },
  { from: 'HALTED', trigger: 'operator', to: 'ACTIVE' },
  { from: 'HALTED', trigger: 'operator', to: 'REDUCING' },
  { from: 'ACTIVE', trigger: 'daily_loss_limit', to: 'REDUCING' },
  { from: 'ACTIVE', trigger: 'max_drawdown', to: 'HALTED' },
  { from: 'REDUCING', trigger: 'max_drawdown', to: 'HALTED' },
].map((t) => Object.freeze(t as TradingStateTransition)));

/** Whether the table lists `from -> to` on `trigger`. */
export function canTransitionTradingState(from: TradingState, to: TradingState, trigger: TradingStateTrigger): boolean {
  return TRADING_STATE_TRANSITIONS.some((t) => t.from === from && t.to === to && t.trigger === trigger);
}

/** Returns `to` when the table lists the change; throws `InvalidTradingStateTransitionError` otherwise. */
export function transitionTradingState(from: TradingState, to: TradingState, trigger: TradingStateTrigger): TradingState {
  if (!canTransitionTradingState(from, to, trigger)) throw new InvalidTradingStateTransitionError(from, to, trigger);
  return to;
}

/** Equity figures the automatic transitions read. */
export interface EquityMetrics {
  readonly equity: number;
  readonly startOfDayEquity: number;
  readonly peakEquity: number;
}

/** An automatic change the metrics call for. */
export interface AutomaticTransition {
  readonly from: TradingState;
  readonly to: TradingState;
  readonly trigger: TradingStateTrigger;
  /** Rendered reason, e.g. `drawdown=0.21, max=0.2`. */
  readonly reason: string;
}

/** Drawdown from peak equity as a fraction (0 when equity is at or above the peak or the peak is not positive). */
export function drawdownFromPeak(metrics: EquityMetrics): number {
  if (!(metrics.peakEquity > 0)) return 0;
  return Math.max(0, (metrics.peakEquity - metrics.equity) / metrics.peakEquity);
}

/**
 * The automatic transition the metrics call for, if any: drawdown from peak at or beyond `maxDrawdownPct`
 * halts; a loss since the start of the day at or beyond `maxDailyLoss` restricts to reducing. The stricter
 * wins; a change the table does not list (e.g. already HALTED) yields `undefined`.
 */
export function automaticTransition(current: TradingState, metrics: EquityMetrics, limits: RiskLimits): AutomaticTransition | undefined {
  const drawdown = drawdownFromPeak(metrics);
  if (limits.maxDrawdownPct !== null && drawdown >= limits.maxDrawdownPct && canTransitionTradingState(current, 'HALTED', 'max_drawdown')) {
    return { from: current, to: 'HALTED', trigger: 'max_drawdown', reason: `drawdown=${round6(drawdown)}, max=${limits.maxDrawdownPct}` };
  }
  const loss = metrics.startOfDayEquity - metrics.equity;
  if (limits.maxDailyLoss !== null && loss >= limits.maxDailyLoss && canTransitionTradingState(current, 'REDUCING', 'daily_loss_limit')) {
    return { from: current, to: 'REDUCING', trigger: 'daily_loss_limit', reason: `loss=${round6(loss)}, max=${limits.maxDailyLoss}` };
  }
  return undefined;
}

function round6(x: number): number {
  return Number(x.toFixed(6));
}
