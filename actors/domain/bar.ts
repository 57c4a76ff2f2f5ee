import { BifrostError } from '../../runtime/errors.js';

/** Bar intervals Bifrost stores and replays. */
export const INTERVALS = ['1m', '5m', '15m', '30m', '1h', '1d', '1wk'] as const;
export type Interval = (typeof INTERVALS)[number];

/** Milliseconds spanned by each interval (a week of calendar time for `1wk`). */
export const INTERVAL_MS: Readonly<Record<Interval, number>> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
  '1wk': 604_800_000,
};

/** One OHLCV bar. `time` is the bar's open time in epoch milliseconds (UTC). */
export interface Bar {
  readonly symbol: string;
  readonly interval: Interval;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** A bar failed validation; `where` names the row (a CSV line, a symbol and time) the caller was reading. */
export class InvalidBarError extends BifrostError {
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
  ) {
    super('INVALID_BAR', `invalid bar at ${where}: ${problems.join('; ')}`);
  }
}

export function isInterval(value: unknown): value is Interval {
  return typeof value === 'string' && (INTERVALS as readonly string[]).includes(value);
}

/** What a well-formed bar has wrong: one shared empty list, not a new one per bar (a backtest checks each bar). */
const NO_PROBLEMS: readonly string[] = Object.freeze([]);

/**
 * Returns every problem with a bar: NaN or non-finite fields, negative prices or volume,
 * high below low, open or close outside [low, high]. An empty list means the bar is valid.
 */
export function barProblems(bar: Bar): readonly string[] {
  if (isWellFormedBar(bar)) return NO_PROBLEMS;
  const problems: string[] = [];
  if (typeof bar.symbol !== 'string' || bar.symbol.length === 0) problems.push('symbol is empty');
  if (!isInterval(bar.interval)) problems.push(`interval ${String(bar.interval)} is not one of ${INTERVALS.join(', ')}`);
  if (!Number.isSafeInteger(bar.time) || bar.time < 0) problems.push(`time ${bar.time} is not a non-negative epoch-ms integer`);
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    const v = bar[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) problems.push(`${field} is ${v}, not a finite number`);
    else if (v <= 0) problems.push(`${field} ${v} is not positive`);
  }
  if (typeof bar.volume !== 'number' || !Number.isFinite(bar.volume) || bar.volume < 0) {
    problems.push(`volume ${bar.volume} is not a finite non-negative number`);
  }
  if (problems.length === 0) {
    if (bar.high < bar.low) problems.push(`high ${bar.high} < low ${bar.low}`);
    if (bar.open > bar.high || bar.open < bar.low) problems.push(`open ${bar.open} outside [low ${bar.low}, high ${bar.high}]`);
    if (bar.close > bar.high || bar.close < bar.low) problems.push(`close ${bar.close} outside [low ${bar.low}, high ${bar.high}]`);
  }
  return problems;
}

/**
 * The checks of `barProblems` as one boolean expression, for the common case of a good bar (a backtest
 * checks every input bar): no problem list, no loop over fields. `barProblems` says what is wrong otherwise.
 */
function isWellFormedBar(bar: Bar): boolean {
  const { open, high, low, close, volume, time, symbol } = bar;
  return (
    typeof symbol === 'string' && symbol.length > 0 && isInterval(bar.interval) && Number.isSafeInteger(time) && time >= 0 &&
    typeof open === 'number' && typeof high === 'number' && typeof low === 'number' && typeof close === 'number' && typeof volume === 'number' &&
    // finite and positive: NaN and Infinity fail one of these comparisons
    open > 0 && open < Infinity && high > 0 && high < Infinity && low > 0 && low < Infinity && close > 0 && close < Infinity &&
    volume >= 0 && volume < Infinity &&
    high >= low && open <= high && open >= low && close <= high && close >= low
  );
}

/** Throws `InvalidBarError` naming `where` (default `symbol@time`) unless the bar is valid; returns it frozen otherwise. */
export function validateBar(bar: Bar, where?: string): Bar {
  const problems = barProblems(bar);
  // `where` is named only on failure: a default parameter would build the string for every good bar.
  if (problems.length > 0) throw new InvalidBarError(where ?? `${bar.symbol}@${bar.time}`, problems);
  return Object.isFrozen(bar) ? bar : Object.freeze({ ...bar });
}
