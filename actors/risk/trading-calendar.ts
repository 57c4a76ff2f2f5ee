/**
 * The calendar of the pattern-day-trader rule: the trading day of an instant (its date in the trading
 * time zone) and business days (Monday to Friday; exchange holidays are not modelled).
 *
 * A day is a `YYYY-MM-DD` string. The answers are memoised, each memo bounded (`calendarMemoSizes`): per
 * time zone its formatter and the last minute it answered for, business-day windows of the last days asked
 * for, and per window length the oldest business day of the last day asked for.
 */

/** Time zones, and window lengths, remembered at most (a process uses one or two of each). */
export const CALENDAR_KEYS_KEPT = 16;

/** Per time zone: its formatter and the last minute it answered for (fills and checks come in runs within a minute). */
interface ZoneDays {
  readonly formatter: Intl.DateTimeFormat;
  minute: number;
  day: string;
}

const zones = new Map<string, ZoneDays>();

/** The trading day (`YYYY-MM-DD`) of epoch-ms `time` in the IANA `timeZone`. */
export function tradingDay(time: number, timeZone: string): string {
  const minute = Math.floor(time / 60_000);
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    const formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    zone = { formatter, minute: Number.NaN, day: '' };
    if (zones.size >= CALENDAR_KEYS_KEPT) zones.clear();
    zones.set(timeZone, zone);
  } else if (zone.minute === minute) {
    return zone.day;
  }
  // The slot is updated in place: a new record per minute was garbage on every fill of a backtest.
  zone.day = zone.formatter.format(time);
  zone.minute = minute;
  return zone.day;
}

/**
 * Instants this far apart fall on different trading days in every time zone: a zone's UTC offset is less
 * than a day either way, so their local times are more than two days apart.
 */
export const DIFFERENT_TRADING_DAYS_MS = 4 * 86_400_000;

const DAY_MS = 86_400_000;

function dayToUtc(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
}

function utcToDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Monday to Friday, for a UTC midnight in epoch ms (1970-01-01 was a Thursday). */
function isWeekday(ms: number): boolean {
  const weekday = (((Math.floor(ms / DAY_MS) + 4) % 7) + 7) % 7;
  return weekday !== 0 && weekday !== 6;
}

interface BusinessDayWindow {
  readonly days: readonly string[];
  readonly set: ReadonlySet<string>;
}

/** Business-day windows by `day|count`; cleared when full (the days asked for move on and do not return). */
const windows = new Map<string, BusinessDayWindow>();
/** Windows kept at most. */
export const BUSINESS_DAY_WINDOWS_KEPT = 64;

/** The `count` business days ending at `day`, as a list (newest first) and a set; memoised. */
export function businessDayWindow(day: string, count: number): BusinessDayWindow {
  const key = `${day}|${count}`;
  let window = windows.get(key);
  if (window === undefined) {
    const days = Object.freeze(computeBusinessDays(day, count));
    window = Object.freeze({ days, set: new Set(days) });
    if (windows.size >= BUSINESS_DAY_WINDOWS_KEPT) windows.clear();
    windows.set(key, window);
  }
  return window;
}

/** The `count` business days ending at `day` (included when it is a weekday), newest first. */
export function businessDaysEndingAt(day: string, count: number): string[] {
  return [...businessDayWindow(day, count).days];
}

function computeBusinessDays(day: string, count: number): string[] {
  const out: string[] = [];
  for (let t = dayToUtc(day); out.length < count; t -= DAY_MS) {
    if (isWeekday(t)) out.push(utcToDay(t));
  }
  return out;
}

/** Per count: the last day asked for and the oldest of the `count` business days ending at it. */
const oldestByCount = new Map<number, { day: string; oldest: string }>();

/**
 * The oldest of the `count` business days ending at `day`, `businessDaysEndingAt(day, count).at(-1)`:
 * found by stepping back over weekdays, formatting only the day it stops at, and remembered for the last
 * day asked for per count.
 */
export function oldestBusinessDay(day: string, count: number): string {
  const slot = oldestByCount.get(count);
  if (slot !== undefined && slot.day === day) return slot.oldest;
  let t = dayToUtc(day);
  for (let found = 0; ; t -= DAY_MS) {
    if (isWeekday(t) && ++found >= count) break;
  }
  const oldest = utcToDay(t);
  if (slot === undefined) {
    if (oldestByCount.size >= CALENDAR_KEYS_KEPT) oldestByCount.clear();
    oldestByCount.set(count, { day, oldest });
  } else {
    slot.day = day;
    slot.oldest = oldest;
  }
  return oldest;
}

/** Entries the memos hold now: time zones, business-day windows, window lengths (for tests of their bounds). */
export function calendarMemoSizes(): { readonly zones: number; readonly windows: number; readonly oldest: number } {
  return { zones: zones.size, windows: windows.size, oldest: oldestByCount.size };
}
