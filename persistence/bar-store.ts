import { InvalidBarError, validateBar } from '../actors/domain/bar.js';
import type { Bar, Interval } from '../actors/domain/bar.js';

/**
 * OHLCV history, keyed by (symbol, interval, time). Market-data actors cache fetched history here and
 * backtests read it back.
 *
 * @example
 * await bars.upsert(fetched);
 * const history = await bars.range('AAPL', '1d', Date.UTC(2024, 0, 1), Date.UTC(2025, 0, 1));
 */
export interface BarStore {
  /**
   * Inserts or replaces bars. Every bar is validated first; one bad bar rejects the whole batch with an
   * `InvalidBarError` naming its row (`row 3 (AAPL 1d @ 2024-01-04T00:00:00.000Z)`) and nothing is written.
   * Within a batch the last bar for a key wins. Resolves to the number of distinct bars written.
   */
  upsert(bars: readonly Bar[]): Promise<number>;

  /** Bars with `fromTime <= time < toTime` (half-open, epoch ms), oldest first. */
  range(symbol: string, interval: Interval, fromTime: number, toTime: number): Promise<Bar[]>;

  /** The newest bar, if any. */
  latest(symbol: string, interval: Interval): Promise<Bar | undefined>;

  /** Every symbol with at least one bar, sorted. */
  symbols(): Promise<string[]>;

  /** How many bars are stored for the symbol and interval. */
  count(symbol: string, interval: Interval): Promise<number>;

  /** Releases the connection when the store owns it. */
  close(): Promise<void>;
}

/**
 * Validates every bar (throwing `InvalidBarError` for the first bad one, naming its row) and returns the
 * batch with duplicate keys collapsed, last one winning, so a multi-row upsert never hits a key twice.
 */
export function prepareBarBatch(bars: readonly Bar[]): Bar[] {
  const byKey = new Map<string, Bar>();
  bars.forEach((bar, i) => {
    if (typeof bar !== 'object' || bar === null) throw new InvalidBarError(`row ${i}`, [`is ${String(bar)}, not a bar`]);
    const valid = validateBar(bar, `row ${i} (${describeBar(bar)})`);
    byKey.set(`${valid.symbol}\u0000${valid.interval}\u0000${valid.time}`, valid);
  });
  return [...byKey.values()];
}

function describeBar(bar: Bar): string {
  const time = Number.isSafeInteger(bar.time) && bar.time >= 0 && bar.time <= 8.64e15 ? new Date(bar.time).toISOString() : String(bar.time);
  return `${String(bar.symbol)} ${String(bar.interval)} @ ${time}`;
}
