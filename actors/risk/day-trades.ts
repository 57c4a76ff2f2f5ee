import type { Side } from '../domain/order.js';
import { sideSign } from '../domain/order.js';

/**
 * Day-trade bookkeeping for the pattern-day-trader rule, as explicit immutable state.
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

const formatters = new Map<string, Intl.DateTimeFormat>();

// Fills and checks come in runs within the same minute: remember the last minute's answer per zone.
const lastDay = new Map<string, { minute: number; day: string }>();

/** The trading day (`YYYY-MM-DD`) of epoch-ms `time` in the IANA `timeZone`. */
export function tradingDay(time: number, timeZone: string): string {
  const minute = Math.floor(time / 60_000);
  const last = lastDay.get(timeZone);
  if (last !== undefined && last.minute === minute) return last.day;
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  const day = formatter.format(time);
  lastDay.set(timeZone, { minute, day });
  return day;
}

function dayToUtc(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

function utcToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const recentWindows = new Map<string, readonly string[]>();

/** The `count` business days ending at `day` (included when it is a weekday), newest first. */
export function businessDaysEndingAt(day: string, count: number): string[] {
  const key = `${day}|${count}`;
  const known = recentWindows.get(key);
  if (known !== undefined) return [...known];
  const out = computeBusinessDays(day, count);
  if (recentWindows.size >= 64) recentWindows.clear();
  recentWindows.set(key, out);
  return [...out];
}

function computeBusinessDays(day: string, count: number): string[] {
  const out: string[] = [];
  for (let t = dayToUtc(day); out.length < count; t -= 86_400_000) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(utcToDay(t));
  }
  return out;
}

/** Day trades in the `windowBusinessDays` business days ending at the trading day of `now`. */
export function dayTradesInWindow(ledger: DayTradeLedger, now: number, timeZone: string, windowBusinessDays: number): number {
  const window = new Set(businessDaysEndingAt(tradingDay(now, timeZone), windowBusinessDays));
  return ledger.dayTrades.filter((t) => window.has(t.day)).length;
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
  return !ledger.dayTrades.some((t) => t.clientOrderId === order.clientOrderId && t.day === today);
}

/**
 * The ledger after a fill, given the position quantity just before it: records an opening or increase,
 * counts a day trade when the fill reduces a position opened today, and treats the remainder of a flip
 * through zero as a new opening today. Trades older than the retention are dropped.
 *
 * `maxPerDay` (the rule's `pdtMaxDayTrades`) keeps at most that many day trades per trading day: any
 * window holding such a day has reached the limit anyway, so the check decides the same, and an
 * actively trading book keeps a ledger of a few dozen entries instead of one per round trip.
 */
export function recordDayTradeFill(ledger: DayTradeLedger, fill: DayTradeFill, positionBefore: number, timeZone: string, maxPerDay = Number.POSITIVE_INFINITY): DayTradeLedger {
  const today = tradingDay(fill.time, timeZone);
  const sign = sideSign(fill.side);
  const openedOn = { ...ledger.openedOn };
  let dayTrades = ledger.dayTrades;
  if (positionBefore === 0 || Math.sign(positionBefore) === sign) {
    openedOn[fill.symbol] = { day: today, direction: sign };
  } else {
    if (wouldBeDayTrade(ledger, fill, positionBefore, fill.time, timeZone) && countOn(dayTrades, today) < maxPerDay) {
      dayTrades = [...dayTrades, { day: today, symbol: fill.symbol, clientOrderId: fill.clientOrderId }];
    }
    const after = positionBefore + sign * fill.quantity;
    if (after === 0) delete openedOn[fill.symbol];
    else if (Math.sign(after) === sign) openedOn[fill.symbol] = { day: today, direction: sign };
  }
  const retained = new Set(businessDaysEndingAt(today, DAY_TRADE_RETENTION_BUSINESS_DAYS));
  const oldest = [...retained].at(-1)!;
  dayTrades = dayTrades.filter((t) => retained.has(t.day) || t.day > oldest);
  return Object.freeze({ openedOn: Object.freeze(openedOn), dayTrades: Object.freeze(dayTrades) });
}

function countOn(dayTrades: readonly DayTrade[], day: string): number {
  let n = 0;
  for (const t of dayTrades) if (t.day === day) n += 1;
  return n;
}
