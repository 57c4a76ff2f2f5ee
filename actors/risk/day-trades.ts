import type { Side } from '../domain/order.js';
import { sideSign } from '../domain/order.js';
import { businessDayWindow, tradingDay } from './trading-calendar.js';

/**
 * Day-trade bookkeeping for the pattern-day-trader rule, as explicit immutable state (the calendar is in
 * `trading-calendar.ts`, the engine's working form and `recordDayTradeFill` in `day-trade-book.ts`).
 *
 * Definition used by Bifrost: a *day trade* is an order that reduces (or closes, or flips) a position in
 * a symbol on the same trading day on which that position was opened or increased. The trading day is the
 * calendar date in `limits.tradingTimeZone`. Each order counts at most once, however many fills it has.
 * Business days are Monday to Friday; exchange holidays are not modelled, so a window spanning a holiday
 * reaches one business day further back than an exchange calendar would (stricter, never looser).
 */
export interface DayTradeLedger {
  /** Per symbol: the trading day the current position was last opened or increased, and its sign. */
  readonly openedOn: Readonly<Record<string, { readonly day: string; readonly direction: 1 | -1 }>>;
  /** Day trades recorded so far, oldest first, pruned to the recent business days. */
  readonly dayTrades: readonly DayTrade[];
}

/** One counted day trade. */
export interface DayTrade {
  readonly day: string;
  readonly symbol: string;
  readonly clientOrderId: string;
}

/** The fields of a fill that day-trade bookkeeping reads. */
export interface DayTradeFill {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly quantity: number;
  readonly time: number;
}

/** An empty ledger. */
export const EMPTY_DAY_TRADE_LEDGER: DayTradeLedger = Object.freeze({ openedOn: Object.freeze({}), dayTrades: Object.freeze([]) });

/** Business days of history the ledger keeps (a window longer than this is not supported). */
export const DAY_TRADE_RETENTION_BUSINESS_DAYS = 10;

/** Day trades in the `windowBusinessDays` business days ending at the trading day of `now`. */
export function dayTradesInWindow(ledger: DayTradeLedger, now: number, timeZone: string, windowBusinessDays: number): number {
  const window = businessDayWindow(tradingDay(now, timeZone), windowBusinessDays).set;
  let n = 0;
  for (const t of ledger.dayTrades) if (window.has(t.day)) n += 1;
  return n;
}

/**
 * Whether an order would be a day trade: it reduces the position (`positionQuantity` before the order)
 * that was opened or increased on today's trading day, and it has not already been counted.
 */
export function wouldBeDayTrade(
  ledger: DayTradeLedger,
  order: { readonly clientOrderId: string; readonly symbol: string; readonly side: Side },
  positionQuantity: number,
  now: number,
  timeZone: string,
): boolean {
  if (positionQuantity === 0 || sideSign(order.side) === Math.sign(positionQuantity)) return false;
  const today = tradingDay(now, timeZone);
  const opened = ledger.openedOn[order.symbol];
  if (opened === undefined || opened.day !== today || opened.direction !== Math.sign(positionQuantity)) return false;
  for (const t of ledger.dayTrades) if (t.clientOrderId === order.clientOrderId && t.day === today) return false;
  return true;
}
